// Retrying a request whose failure was the link to main, never main's own answer. Only code 'unreachable' is
// retried: main may not have seen the request, and the requests retried this way (event reports, recording
// chunks) are applied once by main however often they arrive (event_id, chunk seq).
export interface RetryPolicy {
  tries: number;
  delayMs: number;
}

/** About a minute: the web host's supervisor restarts a killed host in seconds, but a busy kiosk has taken 15 s.
 * Every event report waits for main this long rather than being dropped (the candidate heard those words), and
 * the reports behind it then go through at once. (In Electron the page dies with main: nothing to wait for.) */
export const UNREACHABLE_RETRY: RetryPolicy = { tries: 200, delayMs: 300 };

export function isUnreachable(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'unreachable';
}

export async function retryUnreachable<T>(request: () => Promise<T>, policy: RetryPolicy = UNREACHABLE_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (!isUnreachable(error) || attempt >= policy.tries) throw error;
      await new Promise((r) => setTimeout(r, policy.delayMs));
    }
  }
}
