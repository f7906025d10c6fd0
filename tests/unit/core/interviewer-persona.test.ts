// The interviewer persona of a position: checked at every way in (bad input is refused in words), written into the
// session instructions (name with the AI disclosure, formality, introduction, closing words, pronunciation), its
// voice in the call's first session config; the practice emulator reads it back from the instructions in effect,
// as the real model follows them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterviewerPersona } from '../../../preload/contract';
import { VOICES } from '../../../preload/contract';
import { DEMO_POSITIONS } from '../../../main/core/db/seed';
import { FORMALITY_INSTRUCTIONS, checkPersona, personaFromJson } from '../../../main/core/realtime/persona';
import { buildInstructions, buildSessionConfig } from '../../../main/core/realtime/session-config';
import { lineFor, readPersona } from '../../../main/simulator/interviewer';
import type { Clip } from '../../../main/simulator/script';

const position = { title: 'Support Engineer', description: 'Keeps kiosks up.', competencies: ['Teamwork', 'Customer focus'] };
const tenant = { name: 'Acme', values: '' };
const settings = { model: 'gpt-realtime-2.1', voice: 'marin' as const };
const clips: Clip[] = ['Welcome. Tell me about yourself.', 'Thank you. Next?', 'Good. Next?', 'Thank you, goodbye.'].map((text, step) => ({ step, text, durationMs: 3000, packets: [] }));

const NGOZI: InterviewerPersona = {
  name: 'Ngozi',
  voice: 'cedar',
  formality: 'formal',
  intro: 'I will ask about your on-call work; there are "no" trick questions.',
  outro: 'The team at Acme will write to you within a week.',
  pronunciation: [{ term: 'Nguyen', sayAs: 'win' }, { term: 'SQL', sayAs: 'sequel' }],
};

test('a full persona is accepted as given; missing optional fields take their defaults', () => {
  assert.deepEqual(checkPersona(NGOZI), { ok: true, persona: NGOZI });
  assert.deepEqual(checkPersona({ name: '  Ada \n Lovelace ' }), {
    ok: true,
    persona: { name: 'Ada Lovelace', voice: null, formality: 'neutral', intro: null, outro: null, pronunciation: [] },
  });
  assert.deepEqual(checkPersona(null), { ok: true, persona: null }, 'no persona: the default');
});

test('a bad persona is refused with the field and the reason in words', () => {
  const cases: [unknown, RegExp][] = [
    [{ ...NGOZI, voice: 'nova' }, /^voice: the voice must be one of alloy, ash, .*cedar$/],
    [{ ...NGOZI, formality: 'pirate' }, /^formality: the formality must be one of formal, neutral, casual$/],
    [{ ...NGOZI, name: '   ' }, /^name: the name is empty$/],
    [{ ...NGOZI, name: 'x'.repeat(61) }, /^name: the name is longer than 60 characters$/],
    [{ ...NGOZI, intro: 'y'.repeat(601) }, /^intro: the introduction is longer than 600 characters$/],
    [{ ...NGOZI, outro: 'bye\u0007' }, /^outro: the closing words contains control characters$/],
    [{ ...NGOZI, pronunciation: [{ term: 'SQL' }] }, /^pronunciation\.0\.sayAs: /],
    [{ ...NGOZI, pronunciation: Array.from({ length: 21 }, (_, i) => ({ term: `t${i}`, sayAs: 's' })) }, /^pronunciation: at most 20 pronunciation hints$/],
    [{ ...NGOZI, gender: 'f' }, /gender/],
    ['Ngozi', /^.+/],
  ];
  for (const [raw, message] of cases) {
    const checked = checkPersona(raw);
    assert.equal(checked.ok, false, JSON.stringify(raw).slice(0, 80));
    if (!checked.ok) assert.match(checked.message, message);
  }
  assert.equal(personaFromJson('{"name":"Ada","voice":"nova"}'), null, 'stored but no longer valid: the default');
  assert.equal(personaFromJson('{not json'), null);
  assert.deepEqual(personaFromJson(JSON.stringify(NGOZI)), NGOZI);
});

test('every SDK voice is a persona voice (the list the check uses)', () => {
  for (const voice of VOICES) assert.equal(checkPersona({ name: 'A', voice }).ok, true, voice);
});

test('every persona field reaches the instructions; the name always with the AI disclosure; the voice in the session config', () => {
  const config = buildSessionConfig(position, tenant, { ...settings, persona: NGOZI });
  const text = config.instructions;
  assert.match(text, /Your name is "Ngozi"\. You are an AI, not a person: always introduce yourself as Ngozi, the AI interviewer/);
  assert.ok(text.includes(FORMALITY_INSTRUCTIONS.formal), 'formal wording');
  assert.ok(text.includes(`introduction (in the interview's language): ${JSON.stringify(NGOZI.intro)}`), 'the intro, quoted');
  assert.ok(text.includes(`closing words (in the interview's language) before your goodbye: ${JSON.stringify(NGOZI.outro)}`), 'the outro, quoted');
  assert.ok(text.includes('Reference pronunciations: when voicing these words, pronounce "Nguyen" as "win"; pronounce "SQL" as "sequel".'), 'pronunciation hints');
  assert.equal(config.audio.output.voice, 'cedar', 'the persona\'s voice wins over the kiosk setting');
  // The company, position and competencies stay (a reconnect's instructions are these same lines).
  assert.match(text, /interviewer for Acme, interviewing a candidate for the position of Support Engineer\./);
  assert.match(text, /Evaluate these competencies: Teamwork; Customer focus\./);
});

test('formality wording differs per level', () => {
  const words = (['formal', 'neutral', 'casual'] as const).map((formality) => buildInstructions(position, tenant, { persona: { ...NGOZI, formality } }));
  assert.ok(words[0]!.includes('polite form') && !words[0]!.includes('familiar form'));
  assert.ok(words[1]!.includes('neutral, professional register'));
  assert.ok(words[2]!.includes('familiar form') && !words[2]!.includes('polite form'));
});

test('without a persona: unnamed AI interviewer, neutral, no intro/outro/pronunciation lines, the kiosk\'s voice', () => {
  const config = buildSessionConfig(position, tenant, settings);
  assert.match(config.instructions, /Start by introducing yourself briefly as the AI interviewer/);
  assert.match(config.instructions, /You are an AI, not a person/);
  assert.ok(config.instructions.includes(FORMALITY_INSTRUCTIONS.neutral));
  assert.doesNotMatch(config.instructions, /Your name is|introduction \(|closing words|pronunciations/i);
  assert.equal(config.audio.output.voice, 'marin');
  // A persona without its own voice keeps the kiosk's.
  assert.equal(buildSessionConfig(position, tenant, { ...settings, persona: { ...NGOZI, voice: null } }).audio.output.voice, 'marin');
});

test('the emulated interviewer greets with the name and intro, and closes with the outro, read from the instructions', () => {
  const instructions = buildInstructions(position, tenant, { persona: NGOZI });
  const persona = readPersona(instructions);
  assert.deepEqual([persona.name, persona.intro, persona.outro], [NGOZI.name, NGOZI.intro, NGOZI.outro]);
  const greeting = lineFor(0, persona, clips);
  assert.match(greeting, /^Welcome to your interview with Acme for the Support Engineer position\. I am the AI interviewer; my name is Ngozi\. I will ask about your on-call work; there are "no" trick questions\. Tell me about a time your teamwork/);
  assert.equal(lineFor(3, persona, clips), `${NGOZI.outro} Thank you, goodbye.`);
  // In German and with a warm-up, too.
  const de = readPersona(buildInstructions(position, tenant, { persona: NGOZI, language: 'de', warmUp: true }));
  assert.match(lineFor(0, de, clips), /Ich bin der KI-Interviewer; mein Name ist Ngozi\. I will ask about your on-call work.* Vorab eine Aufwärmfrage/);
  assert.match(lineFor(3, de, clips), /^The team at Acme will write to you within a week\. Vielen Dank/);
  // A response.create override that leaves the persona out is answered without it (as the real service does).
  const bare = readPersona('You are an interviewer for Acme, interviewing for the position of Clerk.');
  assert.deepEqual([bare.name, bare.intro, bare.outro], [null, null, null]);
  assert.match(lineFor(0, bare, clips), /I am the AI interviewer\. Please tell me about yourself\.$/);
});

test('the demo positions have distinct, valid personas', () => {
  const personas = DEMO_POSITIONS.map((p) => p.persona);
  for (const p of personas) assert.equal(checkPersona(p).ok, true);
  assert.equal(new Set(personas.map((p) => p.name)).size, personas.length, 'distinct names');
  assert.equal(new Set(personas.map((p) => p.voice)).size, personas.length, 'distinct voices');
  assert.equal(new Set(personas.map((p) => p.formality)).size, 3, 'each formality once');
});
