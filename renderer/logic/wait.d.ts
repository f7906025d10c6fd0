export interface Waiter {
    /** Call after every state change. */
    notify(): void;
    /** Resolves true when check() holds (immediately if it already does), false after `timeoutMs`. */
    until(check: () => boolean, timeoutMs: number): Promise<boolean>;
}
export declare function createWaiter(setTimer?: (fn: () => void, ms: number) => unknown, clearTimer?: (t: unknown) => void): Waiter;
