// Realtime and transcription models: no default OpenAI has announced a shutdown for, and settings written by an
// older version naming a deprecated model are migrated, with the model and the date told to the operator.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildSessionConfig } from '../../../main/core/realtime/session-config';
import { DEFAULT_REALTIME_MODEL, DEFAULT_TRANSCRIPTION_MODEL, MODEL_SHUTDOWNS, migrateRealtimeModel, REALTIME_MODEL_CHOICES, TRANSCRIPTION_MODEL_CHOICES } from '../../../main/core/realtime/models';
import { createSettingsFeature } from '../../../main/core/settings/feature';
import { fileSettingsStore } from '../../../main/core/settings/file-stores';
import { DEFAULT_SETTINGS, memorySecretStore } from '../../../main/core/settings/types';

test('defaults and offered choices name no model with an announced shutdown', () => {
  assert.equal(DEFAULT_REALTIME_MODEL, 'gpt-realtime-2.1');
  assert.equal(DEFAULT_TRANSCRIPTION_MODEL, 'gpt-transcribe');
  assert.equal(DEFAULT_SETTINGS.model, 'gpt-realtime-2.1');
  for (const m of [...REALTIME_MODEL_CHOICES, ...TRANSCRIPTION_MODEL_CHOICES]) assert.ok(!MODEL_SHUTDOWNS.has(m), m);
  const config = buildSessionConfig({ title: 'T', description: '', competencies: [] }, { name: 'N', values: '' }, { model: DEFAULT_SETTINGS.model, voice: 'marin' });
  assert.ok(!MODEL_SHUTDOWNS.has(config.model) && !MODEL_SHUTDOWNS.has(config.audio.input.transcription.model));
  assert.equal(MODEL_SHUTDOWNS.get('gpt-realtime'), '2027-01-20');
  assert.equal(MODEL_SHUTDOWNS.get('gpt-4o-mini-transcribe'), '2027-02-26');
  assert.equal(migrateRealtimeModel('gpt-realtime-mini')!.to, 'gpt-realtime-2.1-mini');
  assert.equal(migrateRealtimeModel('gpt-realtime-2.1'), null);
});

test('an old settings file naming gpt-realtime is migrated and the operator is told the date; choosing it again is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-models-'));
  try {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ openaiBaseUrl: 'https://api.openai.com', model: 'gpt-realtime', voice: 'marin' }));
    const settings = fileSettingsStore(dir);
    const feature = createSettingsFeature({ settings, secrets: memorySecretStore(), backendView: () => ({ url: null, configured: false }) as never });
    const view = await feature.api.getSettings();
    assert.equal(view.model, 'gpt-realtime-2.1');
    assert.match(view.modelNotice ?? '', /gpt-realtime.*2027-01-20/);
    assert.equal(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).model, 'gpt-realtime-2.1', 'the file itself is migrated');
    await assert.rejects(feature.api.updateSettings({ model: 'gpt-realtime' }), /2027-01-20/);
    const chosen = await feature.api.updateSettings({ model: 'gpt-realtime-2', audioProfile: 'headset' });
    assert.equal(chosen.model, 'gpt-realtime-2');
    assert.equal(chosen.audioProfile, 'headset');
    assert.equal(chosen.modelNotice, undefined, 'the notice goes once the operator has chosen');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stored transcription model with an announced shutdown is migrated with the date; a typed one is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-models-'));
  try {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ openaiBaseUrl: 'https://api.openai.com', model: 'gpt-realtime-2', transcriptionModel: 'gpt-4o-mini-transcribe', voice: 'marin' }));
    const feature = createSettingsFeature({ settings: fileSettingsStore(dir), secrets: memorySecretStore(), backendView: () => ({ url: null, configured: false }) as never });
    const view = await feature.api.getSettings();
    assert.equal(view.model, 'gpt-realtime-2', 'a current Realtime model is kept');
    assert.equal(view.transcriptionModel, DEFAULT_TRANSCRIPTION_MODEL);
    assert.match(view.modelNotice ?? '', /gpt-4o-mini-transcribe.*2027-02-26/);
    assert.deepEqual(view.modelChoices.transcription, [...TRANSCRIPTION_MODEL_CHOICES]);
    await assert.rejects(feature.api.updateSettings({ transcriptionModel: 'whisper-1' }), /2027-02-26/);
    const chosen = await feature.api.updateSettings({ transcriptionModel: 'gpt-live-transcribe' });
    assert.equal(chosen.transcriptionModel, 'gpt-live-transcribe');
    assert.equal(chosen.modelNotice, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('turn retry: failed / incomplete / text-only responses are asked again with backoff, named, an alarm when they repeat', async () => {
  const { turnRetryActions, TURN_RETRY } = await import('../../../main/core/interview/transcript');
  const failed = { responseId: 'resp_1', status: 'failed' as const, details: '{"type":"failed","error":{"code":"inference_rate_limit_exceeded"}}', textOnly: false };
  const first = turnRetryActions(failed, 0, false);
  assert.equal(first.failedTurns, 1);
  assert.deepEqual(first.actions[1], { kind: 'send', event: { type: 'response.create' }, afterMs: TURN_RETRY.backoff.stepsMs[0] });
  assert.ok(first.actions[0]!.kind === 'notice' && first.actions[0]!.level === 'info' && /ended failed.*inference_rate_limit_exceeded/.test(first.actions[0]!.message));
  const second = turnRetryActions({ ...failed, status: 'incomplete' }, 1, false);
  assert.ok(second.actions[0]!.kind === 'notice' && second.actions[0]!.level === 'error', 'told as an alarm when it repeats');
  assert.equal((second.actions[1] as { afterMs: number }).afterMs, TURN_RETRY.backoff.stepsMs[0]! * 2);
  const textOnly = turnRetryActions({ ...failed, status: 'completed', details: '', textOnly: true }, 0, false);
  assert.ok(textOnly.actions[0]!.kind === 'notice' && /text only/.test(textOnly.actions[0]!.message));
  assert.deepEqual(turnRetryActions({ ...failed, status: 'completed', textOnly: false }, 3, false), { actions: [], failedTurns: 0 });
  assert.deepEqual(turnRetryActions(failed, 0, true).actions, [], 'no new question during the goodbye');
  const givenUp = turnRetryActions(failed, TURN_RETRY.giveUpAfter, false);
  assert.ok(!givenUp.actions.some((a) => a.kind === 'send'));
});
