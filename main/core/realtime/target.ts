// Where model requests go: the practice emulator (started on first use) in practice mode, else the configured
// OpenAI base URL with the stored key. One rule for the interview's calls and the evaluation's requests.
import { KioskError } from '../../../preload/contract';
import type { PracticeEmulator } from '../api/emulator';

export interface ServiceTarget {
  baseUrl: string;
  apiKey: string;
}

export interface RealtimeTargetDeps {
  view: () => { practiceMode: boolean; openaiBaseUrl: string };
  /** The OpenAI key usable for the configured base URL (bound to its origin), or null. */
  apiKey: () => string | null;
  /** Why the base URL may not receive the key (packaged builds: https to a listed host only), or null. */
  hostProblem?: (baseUrl: string) => string | null;
  practice: PracticeEmulator;
  log: (line: string) => void;
}

export type TargetResolution = { ok: true; target: ServiceTarget; practice: boolean } | { ok: false; reason: 'practice_failed' | 'no_key' | 'host_not_allowed'; detail: string };

export function createTargetResolver(deps: RealtimeTargetDeps) {
  async function resolve(): Promise<TargetResolution> {
    const view = deps.view();
    if (view.practiceMode) {
      try {
        return { ok: true, target: await deps.practice.ensure(), practice: true };
      } catch (error) {
        return { ok: false, reason: 'practice_failed', detail: String(error) };
      }
    }
    const problem = deps.hostProblem?.(view.openaiBaseUrl) ?? null;
    if (problem) return { ok: false, reason: 'host_not_allowed', detail: problem };
    const apiKey = deps.apiKey();
    if (!apiKey) return { ok: false, reason: 'no_key', detail: '' };
    return { ok: true, target: { baseUrl: view.openaiBaseUrl, apiKey }, practice: false };
  }

  /** For a Realtime call: the target, or a KioskError in words. */
  async function forCall(): Promise<ServiceTarget> {
    const r = await resolve();
    if (r.ok) return r.target;
    if (r.reason === 'practice_failed') {
      deps.log(`practice emulator failed to start: ${r.detail}`);
      throw new KioskError('realtime_unavailable', 'The practice-mode interviewer could not be started on this machine.');
    }
    if (r.reason === 'host_not_allowed') throw new KioskError('not_configured', r.detail);
    throw new KioskError('not_configured', 'No OpenAI API key is set. Add one in Settings, or switch on practice mode.');
  }

  return { resolve, forCall };
}

export type TargetResolver = ReturnType<typeof createTargetResolver>;
