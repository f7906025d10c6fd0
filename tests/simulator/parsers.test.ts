// Pure parts of the emulator: multipart, Ogg/Opus, SDP helpers, VAD, RTP pacing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { boundaryOf, buildMultipart, MultipartError, parseMultipart } from '../../main/simulator/multipart';
import { oggCrc, oggPackets, OggError, opusPacketDurationMs, parseOggOpus, parseOggPages } from '../../main/simulator/ogg';
import { candidateAddress, filterCandidates, opusPayloadType, validateOfferSdp } from '../../main/simulator/sdp';
import { EnergyVad, MIN_SPEECH_MS, rms, SEMANTIC_MAX_WAIT_MS, silenceToEndMs, turnEndProbability, type Eagerness } from '../../main/simulator/vad';
import { heardSoFar } from '../../main/simulator/call';
import { PacedRtpSender, type RtpOut } from '../../main/simulator/rtp';
import { linesFor } from '../../main/simulator/interviewer';
import { isClosingStep, loadClips, shapeScript, transcriptPieces } from '../../main/simulator/script';
import { ApiErrorException } from '../../main/simulator/errors';

test('multipart: parses sdp + session parts, quoted boundary, preamble', () => {
  const { body, contentType } = buildMultipart([
    { name: 'sdp', contentType: 'application/sdp', value: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n' },
    { name: 'session', contentType: 'application/json', value: '{"type":"realtime"}' },
  ], 'XyZ');
  const parts = parseMultipart(body, contentType);
  assert.deepEqual(parts.map((p) => [p.name, p.contentType, p.data.toString()]), [
    ['sdp', 'application/sdp', 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n'],
    ['session', 'application/json', '{"type":"realtime"}'],
  ]);
  const withPreamble = Buffer.concat([Buffer.from('preamble\r\n'), body]);
  assert.equal(parseMultipart(withPreamble, 'multipart/form-data; boundary="XyZ"').length, 2);
  assert.equal(boundaryOf('Multipart/Form-Data; charset=utf-8; boundary=abc'), 'abc');
});

test('multipart: the body of a part may contain CRLF and dashes; binary-safe', () => {
  const value = '--not-the-boundary\r\n\r\n-XyZ \u0000\u00ff';
  const { body, contentType } = buildMultipart([{ name: 'sdp', contentType: 'text/plain', value }], 'XyZ');
  assert.equal(parseMultipart(body, contentType)[0]!.data.toString(), value);
});

test('multipart: rejects malformed bodies with MultipartError', () => {
  const ok = buildMultipart([{ name: 'sdp', contentType: 'application/sdp', value: 'v=0' }], 'B');
  const cases: [Buffer, string][] = [
    [ok.body, 'application/json'],
    [ok.body, 'multipart/form-data'],
    [ok.body, 'multipart/form-data; boundary=other'],
    [ok.body.subarray(0, ok.body.length - 12), ok.contentType], // truncated
    [Buffer.from('--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n'), ok.contentType], // no disposition
    [Buffer.from('--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--\r\n'), ok.contentType], // no name
    [Buffer.from('--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B\r\nContent-Disposition: form-data; name="a"\r\n\r\ny\r\n--B--\r\n'), ok.contentType],
    [Buffer.from('--Bjunk'), ok.contentType],
  ];
  for (const [body, type] of cases) assert.throws(() => parseMultipart(body, type), MultipartError, `${type}: ${body.toString().slice(0, 60)}`);
});

test('ogg: parses the committed clips; packets are 20 ms Opus; CRC checked', () => {
  const data = readFileSync(new URL('../../resources/voice/step-0.opus', import.meta.url));
  const stream = parseOggOpus(data);
  assert.equal(stream.channels, 1);
  assert.ok(stream.packets.length > 100);
  for (const p of stream.packets) assert.equal(opusPacketDurationMs(p), 20);
  const corrupt = Buffer.from(data);
  corrupt[corrupt.length - 5] = corrupt[corrupt.length - 5]! ^ 0xff;
  assert.throws(() => parseOggPages(corrupt), /CRC mismatch/);
  assert.throws(() => parseOggPages(data.subarray(0, data.length - 3)), OggError);
  assert.throws(() => parseOggPages(Buffer.from('NotOgg-at-all-but-long-enough-to-parse')), /capture pattern/);
});

/** Builds one Ogg page (CRC filled in) from packets, with 255-lacing. */
function page(packets: Buffer[], opts: { continued?: boolean; seq?: number; openEnd?: Buffer } = {}): Buffer {
  const lacing: number[] = [];
  const bodies: Buffer[] = [];
  const addPacket = (p: Buffer, terminate: boolean) => {
    let left = p.length;
    while (left >= 255) {
      lacing.push(255);
      left -= 255;
    }
    if (terminate) lacing.push(left);
    bodies.push(p);
  };
  for (const p of packets) addPacket(p, true);
  if (opts.openEnd) {
    if (opts.openEnd.length % 255 !== 0) throw new Error('openEnd must be a multiple of 255');
    addPacket(opts.openEnd, false);
  }
  const header = Buffer.alloc(27 + lacing.length);
  header.write('OggS', 0, 'latin1');
  header[5] = opts.continued ? 1 : 0;
  header.writeUInt32LE(7, 14);
  header.writeUInt32LE(opts.seq ?? 0, 18);
  header[26] = lacing.length;
  lacing.forEach((l, i) => (header[27 + i] = l));
  const pg = Buffer.concat([header, ...bodies]);
  pg.writeUInt32LE(oggCrc(pg), 22);
  return pg;
}

test('ogg: lacing values of 255 join segments, also across pages', () => {
  const big = Buffer.alloc(600, 7); // 255 + 255 + 90
  const exact = Buffer.alloc(510, 9); // two 255 segments + a 0 terminator
  const spanning = Buffer.alloc(255, 3);
  const tail = Buffer.alloc(40, 4);
  const data = Buffer.concat([page([big, exact], { openEnd: spanning }), page([tail], { continued: true, seq: 1 })]);
  const packets = oggPackets(parseOggPages(data));
  assert.deepEqual(packets.map((p) => p.length), [600, 510, 295]);
  assert.ok(packets[2]!.subarray(0, 255).every((b) => b === 3) && packets[2]!.subarray(255).every((b) => b === 4));
  assert.throws(() => oggPackets(parseOggPages(page([tail], { openEnd: spanning }))), /ends inside a packet/);
});

test('clips: manifest loads, 5 steps of 2–4.5 s; transcript pieces rebuild the text', () => {
  const clips = loadClips();
  assert.equal(clips.length, 5);
  for (const c of clips) {
    assert.ok(c.durationMs >= 2000 && c.durationMs <= 4500, `${c.step}: ${c.durationMs}`);
    assert.equal(transcriptPieces(c.text).join(''), c.text);
  }
});

test('script shape: more question steps reuse the question clips in turn, each line its own words; lines cut to lineMaxMs; closing stays last', () => {
  const own = loadClips();
  assert.deepEqual(shapeScript(own).map((c) => c.packets), own.map((c) => c.packets));
  const long = shapeScript(own, { questions: 7, lineMaxMs: 500 });
  assert.equal(long.length, 9);
  assert.deepEqual(long.map((c) => c.step), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(long.map((c) => c.text), [
    own[0]!.text, own[1]!.text, own[2]!.text, own[3]!.text, `Question 4. ${own[1]!.text}`, `Question 5. ${own[2]!.text}`, `Question 6. ${own[3]!.text}`,
    `Question 7. ${own[1]!.text}`, own[4]!.text,
  ]);
  for (const c of long) assert.ok(c.durationMs === 500 && c.packets.length === 25, `${c.step}: ${c.durationMs} ms`);
  assert.deepEqual(long[4]!.packets, own[1]!.packets.slice(0, 25));
  assert.deepEqual(long.map((_, i) => isClosingStep(long, i)), [...Array(8).fill(false), true]);
  // With a persona the questions cycle through its competencies, each round worded anew: no line twice.
  const lines = linesFor({ company: 'Acme', position: 'Clerk', competencies: ['Focus', 'Care'], warmUp: false, language: null, name: null, intro: null, outro: null }, long);
  assert.equal(new Set(lines).size, lines.length, lines.join('\n'));
  assert.match(lines[2]!, /^Good\. Give me example 2 of a time your focus made a difference\.$/);
  assert.throws(() => shapeScript(own, { questions: 0 }), /questions must be/);
  assert.throws(() => shapeScript(own, { lineMaxMs: 5 }), /lineMaxMs must be/);
});

const OFFER = [
  'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=rtpmap:111 opus/48000/2', 'a=ice-ufrag:abcd', 'a=ice-pwd:0123456789012345678901',
  'a=fingerprint:sha-256 AA:BB', 'a=candidate:1 1 udp 2122260223 192.168.1.7 50000 typ host',
  'a=candidate:2 1 udp 2122260223 127.0.0.1 50001 typ host', 'a=candidate:3 1 udp 2122260223 abcd.local 50002 typ host',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=sctp-port:5000', '',
].join('\r\n');

test('sdp: validation, candidate filtering, opus payload type', () => {
  validateOfferSdp(OFFER);
  for (const bad of ['', 'hello', OFFER.replace('m=application 9 UDP/DTLS/SCTP webrtc-datachannel', ''), OFFER.replace(/a=fingerprint.*\r\n/, '')])
    assert.throws(() => validateOfferSdp(bad), (e: unknown) => e instanceof ApiErrorException && e.error.code === 'invalid_offer');
  const filtered = filterCandidates(OFFER, (a) => a === '127.0.0.1');
  assert.deepEqual(filtered.split('\r\n').filter((l) => l.startsWith('a=candidate')).map(candidateAddress), ['127.0.0.1']);
  assert.ok(filtered.endsWith('\r\n') && filtered.includes('m=application'));
  assert.equal(opusPayloadType(OFFER), 111);
  assert.equal(opusPayloadType('m=audio 9 X 0\r\na=rtpmap:0 PCMU/8000'), null);
});

test('vad: start after MIN_SPEECH_MS with prefix padding; stop after silence_duration_ms; pauses shorter do not split', () => {
  const vad = new EnergyVad({ threshold: 0.5, prefixPaddingMs: 300, turnEnd: { type: 'server_vad', silenceDurationMs: 500 } });
  const events: unknown[] = [];
  let t = 0;
  const feed = (level: number, ms: number) => {
    for (const end = t + ms; t < end; t += 20) events.push(...vad.push(level, t, 20));
  };
  feed(0, 1000);
  feed(3000, 40); // shorter than MIN_SPEECH_MS: a click
  feed(0, 400);
  assert.deepEqual(events, []);
  feed(3000, 1000); // speech from 1440
  assert.deepEqual(events, [{ type: 'speech_started', audioStartMs: 1440 - 300 }]);
  assert.ok(MIN_SPEECH_MS <= 100);
  feed(0, 300); // a pause within the answer
  feed(3000, 500);
  feed(0, 480);
  assert.equal(events.length, 1);
  feed(0, 40);
  assert.deepEqual(events.at(-1), { type: 'speech_stopped', audioEndMs: 3240 });
  assert.equal(vad.inSpeech, false);
  assert.equal(Math.round(rms(new Int16Array([3, -4, 3, -4]))), 4);
});

test('vad: threshold follows the session (0.5 → RMS 500)', () => {
  const low = new EnergyVad({ threshold: 0.1, prefixPaddingMs: 0, turnEnd: { type: 'server_vad', silenceDurationMs: 200 } });
  const high = new EnergyVad({ threshold: 0.9, prefixPaddingMs: 0, turnEnd: { type: 'server_vad', silenceDurationMs: 200 } });
  const hits = (vad: EnergyVad) => [0, 20, 40, 60].flatMap((t) => vad.push(300, t, 20)).length;
  assert.equal(hits(low), 1);
  assert.equal(hits(high), 0);
});

test('semantic vad: "sounds finished" from the words so far; fillers, ellipses and open clauses do not', () => {
  for (const done of ['I led the migration.', 'Why not?', 'That is what I like!', 'I think so.', '"We shipped it."'])
    assert.equal(turnEndProbability(done), 1, done);
  for (const open of ['My greatest strength is', 'I stayed calm and', 'I was, um.', 'We tried...', 'We tried…', 'and the', ''])
    assert.equal(turnEndProbability(open), 0, open);
  assert.equal(turnEndProbability(null), 0.5, 'no words known: undecided');
});

test('semantic vad: waits per eagerness are the documented maxima (8/4/2 s, auto = medium) for an unfinished utterance, shorter for a finished one', () => {
  const waits = (e: Eagerness) => [silenceToEndMs({ type: 'semantic_vad', eagerness: e }, 'My strength is'), silenceToEndMs({ type: 'semantic_vad', eagerness: e }, 'My strength is patience.')];
  assert.deepEqual(waits('low'), [8000, 1000]);
  assert.deepEqual(waits('medium'), [4000, 500]);
  assert.deepEqual(waits('auto'), waits('medium'));
  assert.deepEqual(waits('high'), [2000, 250]);
  assert.equal(SEMANTIC_MAX_WAIT_MS.low, 8000);
  assert.equal(silenceToEndMs({ type: 'semantic_vad', eagerness: 'low' }, null), 4500, 'unknown words: half way');
  assert.equal(silenceToEndMs({ type: 'server_vad', silenceDurationMs: 700 }, 'anything.'), 700, 'server_vad ignores words');
});

test('semantic vad: thinking pauses inside an unfinished sentence do not end the turn; the finished sentence ends it soon', () => {
  const stretches = ['My greatest strength is', 'staying calm when', 'things go wrong.'];
  const run = (turnEnd: ConstructorParameters<typeof EnergyVad>[0]['turnEnd']) => {
    const vad = new EnergyVad({ threshold: 0.5, prefixPaddingMs: 0, turnEnd }, (n) => heardSoFar(stretches, n));
    const events: { type: string; at: number }[] = [];
    let t = 0;
    const feed = (level: number, ms: number) => {
      for (const end = t + ms; t < end; t += 20) for (const e of vad.push(level, t, 20)) events.push({ type: e.type, at: t + 20 });
    };
    feed(3000, 1500);
    feed(0, 3000); // thinking
    feed(3000, 1000);
    feed(0, 3000); // thinking
    feed(3000, 1000);
    feed(0, 9000);
    return events;
  };
  const semantic = run({ type: 'semantic_vad', eagerness: 'low' });
  assert.deepEqual(semantic.map((e) => e.type), ['speech_started', 'speech_stopped'], 'one turn');
  assert.equal(semantic[1]!.at - 9500, 1000, 'the finished sentence ends the turn after the short wait');
  const server = run({ type: 'server_vad', silenceDurationMs: 500 });
  assert.equal(server.filter((e) => e.type === 'speech_stopped').length, 3, 'server_vad 500 ms cuts the answer at each pause');
  assert.equal(heardSoFar('One string.', 2), 'One string.');
  assert.equal(heardSoFar(stretches, 2), 'My greatest strength is staying calm when');
});

test('rtp pacing: 20 ms schedule, marker on the first packet, seq/timestamp continue across clips', async () => {
  const sent: (RtpOut & { at: number })[] = [];
  const sender = new PacedRtpSender((p) => sent.push({ ...p, at: performance.now() }));
  const packets = Array.from({ length: 10 }, (_, i) => Buffer.from([i]));
  const t0 = performance.now();
  await new Promise<void>((resolve) => sender.play(packets, resolve));
  await new Promise<void>((resolve) => sender.play(packets.slice(0, 3), resolve));
  assert.equal(sent.length, 13);
  assert.deepEqual(sent.map((p) => p.marker), [true, ...Array(9).fill(false), true, false, false]);
  for (let i = 1; i < sent.length; i++) assert.equal(sent[i]!.sequenceNumber, (sent[i - 1]!.sequenceNumber + 1) & 0xffff);
  for (let i = 1; i < 10; i++) assert.equal((sent[i]!.timestamp - sent[i - 1]!.timestamp) >>> 0, 960);
  assert.ok(((sent[10]!.timestamp - sent[9]!.timestamp) >>> 0) >= 960, 'timestamp never goes back across a talk spurt');
  // Paced on a schedule from the start of play: never ahead of real time (a late first packet under load is
  // followed by catching up to the schedule, not by sending faster than it).
  const span = sent[9]!.at - t0;
  assert.ok(span >= 175, `10 packets took ${span} ms from play()`);
  // stop() halts mid-clip and the end callback never fires
  let ended = false;
  sender.play(packets, () => (ended = true));
  sender.stop();
  const before = sent.length;
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(sent.length, before);
  assert.equal(ended, false);
});
