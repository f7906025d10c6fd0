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
