#!/usr/bin/env bash
# Makes the practice-mode interviewer clips (resources/voice/*.opus + manifest.json) and the fake-microphone
# fixture for the browser tests (tests/fixtures/answers-4.wav + answers-4.json). Run once; the outputs are
# committed so tests need none of these tools. Needs: espeak-ng, sox, opusenc (opus-tools), ffprobe.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in espeak-ng sox opusenc ffprobe; do
  command -v "$tool" >/dev/null || { echo "make-audio.sh: $tool is missing (Debian: apt-get install espeak-ng sox opus-tools ffmpeg)" >&2; exit 1; }
done
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

# espeak-ng → 48 kHz mono 16-bit WAV. Voice and speed fixed so reruns give the same words and lengths.
speak() { # speak <text> <out.wav> <voice> <speed>
  espeak-ng -v "$3" -s "$4" -w "$tmp/raw.wav" "$1"
  sox "$tmp/raw.wav" -r 48000 -c 1 -b 16 "$2" norm -3
}
dur_ms() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1" | awk '{ printf "%d", $1 * 1000 }'; }

# --- interviewer: the practice script (step 0 = intro + Q1, 1–3 = questions, 4 = closing) ---
lines=(
  "Welcome to your practice interview. Please tell me about yourself."
  "Thank you. What is your greatest strength?"
  "Good. Describe a problem you solved recently."
  "Thanks. Why do you want this role?"
  "Thank you, that is the end of our interview. Goodbye."
)
out=resources/voice
rm -f "$out"/step-*.opus
json="{\n  \"generator\": \"scripts/make-audio.sh (espeak-ng en-us -s 195, opusenc 20 ms frames)\",\n  \"clips\": ["
for i in "${!lines[@]}"; do
  speak "${lines[$i]}" "$tmp/step.wav" en-us 195
  sox "$tmp/step.wav" "$tmp/step-pad.wav" pad 0.05 0.1
  opusenc --quiet --bitrate 32 --framesize 20 --comp 10 "$tmp/step-pad.wav" "$out/step-$i.opus"
  ms="$(dur_ms "$tmp/step-pad.wav")"
  text="${lines[$i]}"
  [ "$i" -gt 0 ] && json+=","
  json+="\n    {\"step\": $i, \"file\": \"step-$i.opus\", \"durationMs\": $ms, \"text\": \"$text\"}"
done
json+="\n  ]\n}\n"
printf "$json" > "$out/manifest.json"

# --- candidate: the fake microphone for Chromium (loops, so it ends with ≥ 30 s of silence) ---
answers=(
  "I am a software engineer with ten years of experience."
  "My greatest strength is patience."
  "I fixed a slow database query last month."
  "I enjoy building useful products."
)
lead=8; gap=5.5; gap_ms=5500; tail=30   # seconds: the lead covers connect + the intro (≤ 4 s); each gap covers the reply (≤ 3.3 s after the answer)
parts=("$tmp/lead.wav"); sox -n -r 48000 -c 1 -b 16 "$tmp/lead.wav" trim 0 "$lead"
sox -n -r 48000 -c 1 -b 16 "$tmp/gap.wav" trim 0 "$gap"
sox -n -r 48000 -c 1 -b 16 "$tmp/tail.wav" trim 0 "$tail"
starts=(); t_ms=$((lead * 1000))
for i in "${!answers[@]}"; do
  speak "${answers[$i]}" "$tmp/a$i.wav" en-gb 170
  starts+=("$(awk -v m="$t_ms" 'BEGIN { printf "%.3f", m / 1000 }')")
  t_ms=$((t_ms + $(dur_ms "$tmp/a$i.wav")))
  parts+=("$tmp/a$i.wav")
  if [ "$i" -lt $((${#answers[@]} - 1)) ]; then parts+=("$tmp/gap.wav"); t_ms=$((t_ms + gap_ms)); fi
done
parts+=("$tmp/tail.wav")
sox "${parts[@]}" tests/fixtures/answers-4.wav
{
  printf '{\n  "transcripts": [\n'
  for i in "${!answers[@]}"; do printf '    "%s"%s\n' "${answers[$i]}" "$([ "$i" -lt 3 ] && echo ,)"; done
  printf '  ],\n  "answerStartsSec": [%s],\n' "$(IFS=,; echo "${starts[*]}" | sed 's/,/, /g')"
  printf '  "durationSec": %s\n}\n' "$(ffprobe -v error -show_entries format=duration -of csv=p=0 tests/fixtures/answers-4.wav)"
} > tests/fixtures/answers-4.json
ls -l "$out" tests/fixtures/answers-4.*
cat "$out/manifest.json" tests/fixtures/answers-4.json
