import { type KioskApi } from '../../../preload/contract';
import type { KioskDatabase } from '../db/database';
import type { SecretStore, SettingsStore } from '../settings/types';
import { type Dispatch } from './dispatch';
import { type EmulatorHandleLike, type EmulatorOptionsLike, type StartEmulatorFn } from './emulator';
import { type KioskEventEmitter } from './events';
export interface KioskServiceDeps {
    db: KioskDatabase;
    /** Where recordings go (<dataDir>/recordings). */
    dataDir: string;
    settings: SettingsStore;
    secrets: SecretStore;
    /** A backend (Supabase) is configured: then reference data comes from it and no demo data is seeded. */
    backendConfigured?: boolean;
    /** Options for the practice-mode emulator (tests: userTranscripts, faults, candidates). */
    emulator?: Partial<EmulatorOptionsLike>;
    startEmulator?: StartEmulatorFn;
    fetch?: typeof fetch;
    now?: () => number;
    log?: (line: string) => void;
}
export interface KioskService extends KioskApi {
    readonly events: KioskEventEmitter;
    readonly dispatch: Dispatch;
    /** The practice emulator, once started. */
    emulator(): EmulatorHandleLike | null;
    close(): Promise<void>;
}
export declare function createKioskService(deps: KioskServiceDeps): KioskService;
