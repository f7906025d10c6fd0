#!/usr/bin/env bash
# Makes the thinking-pause fixture (tests/fixtures/answer-pauses.wav + answer-pauses.json): one spoken answer
# whose sentence stops twice for 3 seconds of thinking, mid-sentence. The pauses are very quiet noise (about
# -66 dBFS, far below any speech threshold), as a room is never digitally silent. Run once; the outputs are
# committed so tests need none of these tools. Needs: espeak-ng, sox.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in espeak-ng sox soxi; do
  command -v "$tool" >/dev/null || { echo "make-pause-fixture.sh: $tool is missing (Debian: apt-get install espeak-ng sox)" >&2; exit 1; }
done
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

# The same voice as the candidate in scripts/make-audio.sh (espeak-ng en-gb -s 170, 48 kHz mono 16-bit, -3 dB).
stretches=("My greatest strength is" "staying calm when" "things go wrong and the team needs a plan.")
lead=0.5; pause=3; tail=1
quiet() { sox -n -r 48000 -c 1 -b 16 "$2" synth "$1" whitenoise vol 0.0005; }
quiet "$lead" "$tmp/lead.wav"; quiet "$pause" "$tmp/pause.wav"; quiet "$tail" "$tmp/tail.wav"
parts=("$tmp/lead.wav"); starts=(); ends=(); t="$lead"
for i in "${!stretches[@]}"; do
  espeak-ng -v en-gb -s 170 -w "$tmp/raw.wav" "${stretches[$i]}"
  # silence 1 0.02 1%: trim espeak's own leading silence so each stretch starts with its first word
  sox "$tmp/raw.wav" -r 48000 -c 1 -b 16 "$tmp/s$i.wav" silence 1 0.02 1% reverse silence 1 0.02 1% reverse norm -3
  d="$(soxi -D "$tmp/s$i.wav")"
  starts+=("$(awk -v t="$t" 'BEGIN { printf "%.3f", t }')"); t="$(awk -v t="$t" -v d="$d" 'BEGIN { print t + d }')"
  ends+=("$(awk -v t="$t" 'BEGIN { printf "%.3f", t }')")
  parts+=("$tmp/s$i.wav")
  if [ "$i" -lt $((${#stretches[@]} - 1)) ]; then parts+=("$tmp/pause.wav"); t="$(awk -v t="$t" -v p="$pause" 'BEGIN { print t + p }')"; fi
done
parts+=("$tmp/tail.wav")
sox "${parts[@]}" tests/fixtures/answer-pauses.wav
join() { local IFS=,; echo "$*" | sed 's/,/, /g'; }
quoted=(); for s in "${stretches[@]}"; do quoted+=("\"$s\""); done
{
  printf '{\n  "stretches": [%s],\n' "$(join "${quoted[@]}")"
  printf '  "stretchStartsSec": [%s],\n  "stretchEndsSec": [%s],\n' "$(join "${starts[@]}")" "$(join "${ends[@]}")"
  printf '  "pauseSec": %s,\n  "durationSec": %s\n}\n' "$pause" "$(soxi -D tests/fixtures/answer-pauses.wav)"
} > tests/fixtures/answer-pauses.json
ls -l tests/fixtures/answer-pauses.*
cat tests/fixtures/answer-pauses.json
