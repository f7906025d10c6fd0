// The interview's language: the position's, else the one the candidate read the disclosure in; the instructions
// name it, and the practice emulator's interviewer follows it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSessionConfig, interviewLanguage } from '../../../main/core/realtime/session-config';
import { lineFor, readPersona } from '../../../main/simulator/interviewer';
import type { Clip } from '../../../main/simulator/script';

const position = { title: 'Support Engineer', description: '', competencies: ['Teamwork', 'Customer focus'] };
const tenant = { name: 'Acme', values: '' };
const clips: Clip[] = ['Welcome. Tell me about yourself.', 'Thank you. Next?', 'Good. Next?', 'Thanks. Why?', 'Thank you, goodbye.'].map((text, step) => ({ step, text, durationMs: 3000, packets: [] }));

test('the position fixes the language; otherwise the candidate\'s disclosure language; bad tags are ignored', () => {
  assert.equal(interviewLanguage('de', JSON.stringify({ language: 'ar' })), 'de');
  assert.equal(interviewLanguage(null, JSON.stringify({ language: 'ar' })), 'ar');
  assert.equal(interviewLanguage(null, JSON.stringify({ language: 'x"; drop' })), null);
  assert.equal(interviewLanguage(null, '{not json'), null);
  assert.equal(interviewLanguage(null, null), null);
});

for (const [code, expect] of [['de', /Willkommen zu Ihrem Interview mit Acme für die Position Support Engineer/], ['ar', /مرحبًا بك في مقابلتك مع Acme/], ['en', /Welcome to your interview with Acme for the Support Engineer position/]] as const) {
  test(`${code}: the instructions ask for the language, the transcription gets its code, the emulated interviewer speaks it`, () => {
    const config = buildSessionConfig(position, tenant, { model: 'gpt-realtime-2.1', voice: 'marin', language: code });
    assert.match(config.instructions, new RegExp(`Conduct the whole interview in \\w+ \\(language code ${code}\\)`));
    assert.equal(config.audio.input.transcription.language, code);
    const persona = readPersona(config.instructions);
    assert.equal(persona.language, code);
    assert.match(lineFor(0, persona, clips), expect);
    const closing = lineFor(4, persona, clips);
    if (code === 'en') assert.equal(closing, 'Thank you, goodbye.');
    else assert.notEqual(closing, 'Thank you, goodbye.');
  });
}

test('without a language the instructions say nothing about it and the lines stay English', () => {
  const config = buildSessionConfig(position, tenant, { model: 'gpt-realtime-2.1', voice: 'marin' });
  assert.doesNotMatch(config.instructions, /language code/);
  assert.equal(readPersona(config.instructions).language, null);
  assert.match(lineFor(1, readPersona(config.instructions), clips), /^Thank you\. Tell me about a time your customer focus/);
});
