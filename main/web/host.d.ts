import { type KioskService } from '../core/api/service';
import type { EmulatorHandleLike, EmulatorOptionsLike, StartEmulatorFn } from '../core/api/emulator';
export declare const DATABASE_FILE = "kiosk.sqlite";
export declare const KIOSK_WS_PATH = "/kiosk";
export interface WebHostOptions {
    dataDir: string;
    port?: number;
    /** Default: dist/renderer of this checkout. */
    rendererDir?: string;
    /** Practice-emulator options for tests (userTranscripts, faults, candidates). */
    emulator?: Partial<EmulatorOptionsLike>;
    /** Stores this OpenAI key at start (as the settings screen would). */
    openaiKey?: string;
    /** Sets practice mode at start (otherwise the stored setting, or "no key set"). */
    practiceMode?: boolean;
    startEmulator?: StartEmulatorFn;
    fetch?: typeof fetch;
    log?: (line: string) => void;
}
export interface WebHost {
    url: string;
    core: KioskService;
    emulator(): EmulatorHandleLike | null;
    close(): Promise<void>;
}
export declare const defaultRendererDir: () => string;
/** The web analogue of an IPC sender check: only pages served by this host may open the socket. */
export declare function isAllowedOrigin(origin: string | undefined, port: number): boolean;
export declare function startWebHost(options: WebHostOptions): Promise<WebHost>;
