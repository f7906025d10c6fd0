// Where the evaluation's model requests go: the same target as the interview's calls (practice emulator or the
// configured OpenAI endpoint), or why there is none yet (the job waits).
import type { TargetResolver } from '../realtime/target';
import { DEFAULT_EVALUATION_MODEL, type ModelTarget } from './model';

export function evaluationTarget(targets: TargetResolver, fetchImpl?: typeof fetch): () => Promise<ModelTarget | { unavailable: string }> {
  return async () => {
    const r = await targets.resolve();
    if (r.ok) {
      return { ...r.target, model: DEFAULT_EVALUATION_MODEL, ...(!r.practice && fetchImpl ? { fetch: fetchImpl } : {}) };
    }
    if (r.reason === 'practice_failed') return { unavailable: `The practice-mode evaluator could not be started (${r.detail}).` };
    if (r.reason === 'host_not_allowed') return { unavailable: r.detail };
    return { unavailable: 'No OpenAI API key is set; the evaluation waits until one is.' };
  };
}
