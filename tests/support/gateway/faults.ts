// Fault injection for the test gateway. Every fault is deterministic (counts, or "while set") and bounded
// (a held request is released after timeoutMs; counts run out).

export interface Faults {
  /** Answer the next n requests with a 5xx (status5xxCode, default 500) before touching the database. */
  status5xx?: number;
  status5xxCode?: number;
  /** Answer the next n requests with 200 and an HTML page (a captive portal / proxy page), not JSON. */
  htmlAnswers?: number;
  /** Hold requests for this long, then drop the connection without an answer (nothing reaches the database). */
  timeoutMs?: number;
  /** With timeoutMs: only this many requests (default: every request while timeoutMs is set). */
  timeoutCount?: number;
  /** Commit a mutation, then drop the connection instead of answering (the "lost response"). true = every one
   *  while set; a number = the next n mutations (REST POST/PATCH/DELETE, Storage uploads). */
  resetAfterCommit?: boolean | number;
  /** Delay every request by this long before handling it (then answer normally). */
  delayMs?: number;
  /** Setting true expires every access token issued so far (they get 401 "JWT expired"); tokens issued later,
   *  e.g. by a refresh, work. Setting false again does not revive the old tokens. */
  expireTokens?: boolean;
  /** Close the listener (connections refused, open ones dropped) while true; false listens again, same port. */
  down?: boolean;
  /** Cut resumable-upload transfers: each entry cuts one upcoming TUS PATCH after that many body bytes of it have
   *  been stored (the connection is destroyed mid-body, as a dropped link does; the bytes before stay stored). */
  cutUploadsAfterBytes?: number[];
}

export type FaultHooks = { onExpireTokens: () => void; onDown: (down: boolean) => void };

/** The live fault state: assign fields one by one (`gateway.faults.down = true`) or replace the whole set
 *  (`gateway.faults = { status5xx: 2 }`, which clears everything not named). */
export class FaultState implements Faults {
  status5xx = 0;
  status5xxCode = 500;
  htmlAnswers = 0;
  timeoutMs = 0;
  timeoutCount: number | undefined = undefined;
  resetAfterCommit: boolean | number = false;
  delayMs = 0;
  cutUploadsAfterBytes: number[] = [];
  #expireTokens = false;
  #down = false;

  constructor(private readonly hooks: FaultHooks) {}

  get expireTokens(): boolean { return this.#expireTokens; }
  set expireTokens(v: boolean) {
    this.#expireTokens = Boolean(v);
    if (v) this.hooks.onExpireTokens();
  }

  get down(): boolean { return this.#down; }
  set down(v: boolean) {
    const next = Boolean(v);
    if (next === this.#down) return;
    this.#down = next;
    this.hooks.onDown(next);
  }

  assign(f: Faults): void {
    this.status5xx = nonNegative(f.status5xx);
    this.status5xxCode = f.status5xxCode && f.status5xxCode >= 500 && f.status5xxCode <= 599 ? f.status5xxCode : 500;
    this.htmlAnswers = nonNegative(f.htmlAnswers);
    this.timeoutMs = nonNegative(f.timeoutMs);
    this.timeoutCount = f.timeoutCount === undefined ? undefined : nonNegative(f.timeoutCount);
    this.resetAfterCommit = typeof f.resetAfterCommit === 'number' ? nonNegative(f.resetAfterCommit) : Boolean(f.resetAfterCommit);
    this.delayMs = nonNegative(f.delayMs);
    this.expireTokens = Boolean(f.expireTokens);
    this.down = Boolean(f.down);
    this.cutUploadsAfterBytes = Array.isArray(f.cutUploadsAfterBytes) ? f.cutUploadsAfterBytes.map(nonNegative) : [];
  }

  /** Consume one injected upload cut: cut this transfer after that many bytes, or null. */
  takeUploadCut(): number | null {
    return this.cutUploadsAfterBytes.length > 0 ? this.cutUploadsAfterBytes.shift()! : null;
  }

  /** Consume one injected 5xx, if any. */
  take5xx(): number | null {
    if (this.status5xx > 0) { this.status5xx--; return this.status5xxCode; }
    return null;
  }

  takeHtml(): boolean {
    if (this.htmlAnswers > 0) { this.htmlAnswers--; return true; }
    return false;
  }

  takeTimeout(): number | null {
    if (this.timeoutMs <= 0) return null;
    if (this.timeoutCount === undefined) return this.timeoutMs;
    if (this.timeoutCount > 0) { this.timeoutCount--; return this.timeoutMs; }
    return null;
  }

  takeResetAfterCommit(): boolean {
    if (this.resetAfterCommit === true) return true;
    if (typeof this.resetAfterCommit === 'number' && this.resetAfterCommit > 0) { this.resetAfterCommit--; return true; }
    return false;
  }
}

function nonNegative(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}
