// GA session config: validation errors (codes the API uses), merge semantics, the view the call logic reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiErrorException } from '../../main/simulator/errors';
import { defaultSession, GA_MODELS, mergeSession, validateSessionPatch, viewSession } from '../../main/simulator/session';
import { Conversation, normaliseClientItem } from '../../main/simulator/conversation';

function code(fn: () => void): string | null {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiErrorException) return `${e.error.code}@${e.error.param}`;
    throw e;
  }
  return null;
}

test('validateSessionPatch: accepts the GA example shape', () => {
  const s = {
    type: 'realtime', model: 'gpt-realtime', instructions: 'You are an interviewer', output_modalities: ['audio'],
    audio: {
      input: { transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' }, turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true, interrupt_response: true } },
      output: { voice: 'marin', speed: 1.0 },
    },
    tools: [{ type: 'function', name: 'end_session', description: 'End', parameters: { type: 'object', properties: {} } }],
    tool_choice: 'auto', max_output_tokens: 'inf', truncation: 'auto',
  };
  assert.equal(code(() => validateSessionPatch(s)), null);
});

test('validateSessionPatch: errors name the code and the parameter', () => {
  const cases: [unknown, string][] = [
    [{ model: 'gpt-realtime' }, 'missing_required_parameter@session.type'],
    [{ type: 'realtime', modalities: ['text', 'audio'] }, 'beta_api_shape_disabled@session.modalities'],
    [{ type: 'realtime', voice: 'alloy' }, 'beta_api_shape_disabled@session.voice'],
    [{ modalities: ['audio'], voice: 'alloy' }, 'beta_api_shape_disabled@session.modalities'],
    [{ type: 'realtime', audio: { input: { transcription: { model: 'gpt-transcribe', languages: [] } } } }, 'invalid_value@session.audio.input.transcription.languages'],
    [{ type: 'realtime', audio: { input: { transcription: { model: 'gpt-realtime-whisper', delay: 'slow' } } } }, 'invalid_value@session.audio.input.transcription.delay'],
    [{ type: 'realtime', reasoning: { effort: 'huge' } }, 'invalid_value@session.reasoning.effort'],
    [{ type: 'realtime', model: 'gpt-5' }, 'invalid_value@session.model'],
    [{ type: 'transcription' }, 'invalid_value@session.type'],
    [{ type: 'realtime', temperatur: 1 }, 'unknown_parameter@session.temperatur'],
    [{ type: 'realtime', output_modalities: ['text', 'audio'] }, 'invalid_value@session.output_modalities'],
    [{ type: 'realtime', audio: { output: { voice: 'robot' } } }, 'invalid_value@session.audio.output.voice'],
    [{ type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', threshold: 2 } } } }, 'invalid_value@session.audio.input.turn_detection.threshold'],
    [{ type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', idle_timeout_ms: 100 } } } }, 'invalid_value@session.audio.input.turn_detection.idle_timeout_ms'],
    [{ type: 'realtime', audio: { input: { format: { type: 'audio/pcm', rate: 16000 } } } }, 'invalid_value@session.audio.input.format.rate'],
    [{ type: 'realtime', tools: [{ type: 'function', name: 'bad name' }] }, 'invalid_value@session.tools[0].name'],
    [{ type: 'realtime', max_output_tokens: 5000 }, 'invalid_value@session.max_output_tokens'],
    [{ type: 'realtime', tool_choice: 'sometimes' }, 'invalid_value@session.tool_choice'],
    ['not an object', 'invalid_type@session'],
    [[], 'invalid_type@session'],
  ];
  for (const [input, expected] of cases) assert.equal(code(() => validateSessionPatch(input)), expected, JSON.stringify(input));
});

test('validateSessionPatch accepts every model of the spec enum (preview names too) and the GA transcription fields', () => {
  for (const model of GA_MODELS) assert.equal(code(() => validateSessionPatch({ type: 'realtime', model })), null, model);
  assert.ok(GA_MODELS.includes('gpt-4o-realtime-preview-2025-06-03') && GA_MODELS.includes('gpt-audio-mini') && GA_MODELS.includes('gpt-realtime-2.1'));
  const transcription = [
    { model: 'gpt-transcribe', language: 'de', languages: ['de', 'en'], keywords: ['Kubernetes', 'SQL'] },
    { model: 'gpt-live-transcribe', languages: ['fr'] },
    { model: 'gpt-realtime-whisper', delay: 'low' },
    { model: 'gpt-4o-mini-transcribe-2025-12-15', prompt: 'interview' },
  ];
  for (const t of transcription)
    assert.equal(code(() => validateSessionPatch({ type: 'realtime', audio: { input: { transcription: t } }, reasoning: { effort: 'low' }, parallel_tool_calls: true })), null, JSON.stringify(t));
  assert.equal((defaultSession().audio as any).output.voice, 'alloy', "the spec's default voice");
});

test('mergeSession: only sent fields change; null clears; new VAD type starts from its defaults', () => {
  const base = defaultSession();
  const a = mergeSession(base, { type: 'realtime', instructions: 'Hi', audio: { input: { transcription: { model: 'whisper-1' } } } });
  assert.equal(a.instructions, 'Hi');
  assert.deepEqual((a.audio as any).input.transcription, { model: 'whisper-1' });
  assert.deepEqual((a.audio as any).output, (base.audio as any).output);
  assert.equal((a.audio as any).input.turn_detection.silence_duration_ms, 500);
  const b = mergeSession(a, { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 800 } } } });
  assert.equal((b.audio as any).input.turn_detection.silence_duration_ms, 800);
  assert.equal((b.audio as any).input.turn_detection.prefix_padding_ms, 300);
  const c = mergeSession(b, { type: 'realtime', audio: { input: { turn_detection: { type: 'semantic_vad' } } } });
  assert.deepEqual((c.audio as any).input.turn_detection, { type: 'semantic_vad', eagerness: 'auto', create_response: true, interrupt_response: true });
  const d = mergeSession(c, { type: 'realtime', audio: { input: { turn_detection: null, transcription: null } }, tools: [] });
  assert.equal(viewSession(d).turnDetection, null);
  assert.equal(viewSession(d).transcriptionEnabled, false);
  assert.equal((base.audio as any).input.turn_detection.silence_duration_ms, 500, 'base not mutated');
});

test('viewSession: reads VAD, tools, modality', () => {
  const v = viewSession(mergeSession(defaultSession(), {
    type: 'realtime', output_modalities: ['text'], tools: [{ type: 'function', name: 'end_session' }],
    audio: { input: { transcription: { model: 'whisper-1' }, turn_detection: { type: 'server_vad', silence_duration_ms: 200, interrupt_response: false } } },
  }));
  assert.equal(v.outputModalities, 'text');
  assert.deepEqual(v.toolNames, ['end_session']);
  assert.equal(v.transcriptionEnabled, true);
  assert.deepEqual(v.turnDetection?.turnEnd, { type: 'server_vad', silenceDurationMs: 200 });
  assert.equal(v.turnDetection?.interruptResponse, false);
  assert.equal(v.turnDetection?.createResponse, true);
  const semantic = (eagerness?: string) =>
    viewSession(mergeSession(defaultSession(), { type: 'realtime', audio: { input: { turn_detection: { type: 'semantic_vad', ...(eagerness ? { eagerness } : {}) } } } })).turnDetection?.turnEnd;
  assert.deepEqual(semantic('low'), { type: 'semantic_vad', eagerness: 'low' });
  assert.deepEqual(semantic(), { type: 'semantic_vad', eagerness: 'auto' }, 'the default eagerness is auto');
});

test('conversation: insert at end, after an id, at root; unknown previous id is an error; assistant count', () => {
  const conv = new Conversation();
  const mk = (raw: unknown) => normaliseClientItem(raw, (id) => conv.find(id) !== undefined);
  const u1 = mk({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] });
  assert.equal(conv.insert(u1), null);
  const a1 = mk({ id: 'a1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Q1' }] });
  assert.equal(conv.insert(a1), u1.id);
  const sys = mk({ type: 'message', role: 'system', content: [{ type: 'input_text', text: 'resuming' }] });
  assert.equal(conv.insert(sys, 'root'), null);
  const mid = mk({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'mid' }] });
  assert.equal(conv.insert(mid, u1.id as string), u1.id);
  assert.deepEqual(conv.items.map((i) => i.id), [sys.id, u1.id, mid.id, 'a1']);
  assert.equal(code(() => conv.insert(mk({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] }), 'nope')), 'invalid_value@previous_item_id');
  assert.equal(conv.assistantMessages(), 1);
  assert.equal(a1.object, 'realtime.item');
  assert.equal(a1.status, 'completed');
});

test('normaliseClientItem: rejects what the GA API rejects', () => {
  const none = () => false;
  const cases: [unknown, string][] = [
    [{ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'beta' }] }, 'invalid_value@item.content[0].type'],
    [{ type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'x' }] }, 'invalid_value@item.content[0].type'],
    [{ type: 'message', role: 'user', content: [{ type: 'output_text', text: 'x' }] }, 'invalid_value@item.content[0].type'],
    [{ type: 'message', role: 'robot', content: [{ type: 'input_text', text: 'x' }] }, 'invalid_value@item.role'],
    [{ type: 'message', role: 'user', content: [] }, 'invalid_value@item.content'],
    [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 5 }] }, 'invalid_type@item.content[0].text'],
    [{ type: 'function_call_output', output: '{}' }, 'invalid_type@item.call_id'],
    [{ type: 'reasoning' }, 'invalid_value@item.type'],
    [{ id: 'has space', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] }, 'invalid_value@item.id'],
    [null, 'invalid_type@item'],
  ];
  for (const [raw, expected] of cases) assert.equal(code(() => normaliseClientItem(raw, none)), expected, JSON.stringify(raw));
  assert.equal(code(() => normaliseClientItem({ id: 'dup', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] }, () => true)), 'invalid_value@item.id');
});
