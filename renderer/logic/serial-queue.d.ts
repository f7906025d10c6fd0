export interface SerialQueue {
    /** Adds a task; the returned promise settles with the task's own result once it has run. */
    enqueue<T>(task: () => Promise<T> | T): Promise<T>;
    /** Resolves once every task added so far has settled. */
    idle(): Promise<void>;
    /** Tasks added but not yet settled. */
    readonly pending: number;
}
export declare function createSerialQueue(): SerialQueue;
