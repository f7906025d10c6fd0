import { type KioskApi, type KioskResult } from '../../../preload/contract';
export type Dispatch = (method: string, payload: unknown) => Promise<KioskResult<unknown>>;
/**
 * Approximate size of a payload in bytes, stopping as soon as it passes `limit`. Counts a Uint8Array by its
 * byteLength (IPC carries it as bytes), strings by their UTF-16 length; rejects absurd nesting.
 */
export declare function payloadSize(value: unknown, limit: number): number;
export declare function createDispatcher(api: KioskApi, options?: {
    log?: (line: string) => void;
    maxBytes?: number;
}): Dispatch;
