import Database from 'better-sqlite3';
import { type Migration } from './migrations';
export type KioskDatabase = Database.Database;
export type SynchronousLevel = 'NORMAL' | 'FULL';
/**
 * synchronous=FULL by default. In WAL mode NORMAL already survives an app crash or kill (the WAL is in the OS
 * page cache); only FULL also survives a power cut or OS crash, because it fsyncs the WAL on every commit.
 * A kiosk loses power (unplugged, battery) more often than a server, and the design rule is that nothing the
 * candidate said may be lost, so we pay for FULL. Measured by tests/bench/durable.bench.ts on the dev box
 * (2 shared cores, Debian 12, ext4/overlay): see `synchronous_full_vs_normal_ratio` in its output — FULL costs
 * about one fsync per commit (p50 ~0.1 ms NORMAL vs ~0.5 ms FULL per event there), well inside the 250 ms budget
 * for a transcript write. Override with `synchronous: 'NORMAL'` where the disk's fsync is pathologically slow.
 */
export declare const DEFAULT_SYNCHRONOUS: SynchronousLevel;
export interface OpenDatabaseOptions {
    /** Path of a better-sqlite3 .node built for the running ABI (Electron ships its own copy). */
    nativeBinding?: string;
    synchronous?: SynchronousLevel;
}
export declare class DatabaseOpenError extends Error {
    readonly file: string;
    constructor(file: string, cause: unknown);
}
export declare function openDatabase(file: string, options?: OpenDatabaseOptions): KioskDatabase;
export declare function migrate(db: KioskDatabase, migrations?: readonly Migration[]): number[];
export declare function schemaVersion(db: KioskDatabase): number;
