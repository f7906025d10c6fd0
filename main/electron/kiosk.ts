// The kiosk shell as small services with Electron objects injected (unit-tested with fakes under Node; only
// `import type` from electron here). main/app.ts creates them with the real objects and wires the events.
import type { Input, PowerSaveBlocker, RenderProcessGoneDetails, Details as ChildProcessGoneDetails } from 'electron';

/** Exit codes a supervisor (systemd, Windows Shell Launcher) can act on. Documented in README "Deploying as a kiosk". */
export const EXIT_CODES = {
  /** Normal end outside kiosk mode (window closed, recruiter quit). */
  ok: 0,
  /** Start-up failed (e.g. the database could not be opened). */
  startFailed: 1,
  /** The operator quit deliberately with the PIN: do not restart. */
  operatorQuit: 64,
  /** A crash (main-process exception, a vital child process gone): restart. */
  crash: 70,
} as const;

// ---- shortcuts ------------------------------------------------------------------------------------------------

export type KeyInput = Pick<Input, 'type' | 'key' | 'code' | 'control' | 'meta' | 'alt' | 'shift'>;

/**
 * Kiosk mode: the keys that would close, reload, leave fullscreen, print, open DevTools or new windows. Alt+Tab,
 * Ctrl+Alt+Del, the Windows key and Cmd+Tab are taken by the OS before Electron sees them (README says how to
 * lock those down). Zoom (Ctrl +/-/0) stays, for candidates who need larger text.
 */
export function isEscapeShortcut(input: KeyInput, platform: NodeJS.Platform): boolean {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return false;
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  const mod = platform === 'darwin' ? input.meta : input.control; // the platform's command modifier
  if (['F4', 'F5', 'F11', 'F12', 'BrowserBack', 'BrowserForward', 'BrowserRefresh', 'BrowserHome'].includes(key) && (key !== 'F4' || input.alt || mod)) return true;
  if (input.alt && (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home')) return true; // history, home page
  if (mod && ['w', 'q', 'r', 'n', 't', 'p', 'o', 's', 'l', 'h', 'm', 'u', 'f', 'g', 'j'].includes(key)) return true;
  if (mod && input.shift && ['i', 'j', 'c', 'delete', 'Delete'].includes(key)) return true;
  if (platform === 'darwin' && input.meta && input.control && key === 'f') return true; // leave fullscreen
  if (platform === 'darwin' && input.meta && input.alt && key === 'i') return true; // DevTools on macOS
  return false;
}

// ---- display sleep --------------------------------------------------------------------------------------------

/**
 * Keeps the display awake while any interview is in progress (a sleeping screen mid-answer looks like a crash to
 * the candidate), and lets it sleep again when the last one ends.
 */
export class PreventDisplaySleep {
  private blockerId: number | null = null;
  private readonly active = new Set<string>();

  constructor(
    private readonly blocker: Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Feed it every session event. */
  update(session: { id: string; status: string }): void {
    if (session.status === 'in_progress') this.active.add(session.id);
    else this.active.delete(session.id);
    if (this.active.size > 0 && this.blockerId === null) {
      this.blockerId = this.blocker.start('prevent-display-sleep');
      this.log('display sleep prevented (interview in progress)');
    } else if (this.active.size === 0 && this.blockerId !== null) {
      this.stop();
    }
  }

  get preventing(): boolean {
    return this.blockerId !== null && this.blocker.isStarted(this.blockerId);
  }

  stop(): void {
    if (this.blockerId === null) return;
    if (this.blocker.isStarted(this.blockerId)) this.blocker.stop(this.blockerId);
    this.blockerId = null;
    this.active.clear();
    this.log('display sleep allowed again');
  }
}

// ---- crashes --------------------------------------------------------------------------------------------------

export interface AppLike {
  relaunch(): void;
  exit(code: number): void;
}

export interface ReloadableContents {
  reload(): void;
  isDestroyed(): boolean;
}

export type CrashAction = 'reload' | 'relaunch' | 'ignore';

/**
 * A renderer that dies is reloaded (the interview resumes from SQLite); one that keeps dying (3 times within a
 * minute) means reloading does not help, so the whole app restarts. A vital child process gone, or an uncaught
 * exception in main, restarts the app: `app.relaunch()` (unless a supervisor restarts us: `relaunch: false`),
 * then exit with the crash code, so a supervisor can tell it from an operator quit.
 */
export class CrashPolicy {
  private readonly rendererCrashes: number[] = [];
  private exiting = false;

  constructor(
    private readonly app: AppLike,
    private readonly options: { relaunch: boolean; now?: () => number; log?: (line: string) => void; maxReloads?: number; windowMs?: number },
  ) {}

  private get now() {
    return this.options.now ?? Date.now;
  }

  private log(line: string) {
    this.options.log?.(line);
  }

  rendererGone(details: Pick<RenderProcessGoneDetails, 'reason' | 'exitCode'>, contents: ReloadableContents): CrashAction {
    if (details.reason === 'clean-exit') return 'ignore';
    const t = this.now();
    const windowMs = this.options.windowMs ?? 60_000;
    this.rendererCrashes.push(t);
    while (this.rendererCrashes.length && this.rendererCrashes[0]! < t - windowMs) this.rendererCrashes.shift();
    if (this.rendererCrashes.length > (this.options.maxReloads ?? 3) - 1) {
      this.restart(`the renderer died ${this.rendererCrashes.length} times within ${windowMs / 1000} s (last: ${details.reason})`);
      return 'relaunch';
    }
    this.log(`renderer gone (${details.reason}, exit code ${details.exitCode}); reloading`);
    if (!contents.isDestroyed()) contents.reload();
    return 'reload';
  }

  /** child-process-gone: the GPU and utility processes. Chromium restarts a crashed GPU process by itself, so only
   * repeated or launch failures and the network/utility processes we rely on warrant a restart. */
  childGone(details: Pick<ChildProcessGoneDetails, 'type' | 'reason' | 'exitCode' | 'serviceName'>): CrashAction {
    if (details.reason === 'clean-exit' || details.reason === 'killed') return 'ignore';
    const vital = details.type === 'Utility' ? details.serviceName === 'network.mojom.NetworkService' : details.reason === 'launch-failed' || details.reason === 'integrity-failure';
    if (!vital) {
      this.log(`${details.type} process gone (${details.reason}); Chromium recovers it`);
      return 'ignore';
    }
    this.restart(`${details.type}${details.serviceName ? ` (${details.serviceName})` : ''} process gone: ${details.reason}`);
    return 'relaunch';
  }

  /** An uncaught exception in main: state is unknown, so restart. */
  fatal(error: unknown): CrashAction {
    this.restart(`uncaught error in main: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 'relaunch';
  }

  private restart(why: string): void {
    if (this.exiting) return;
    this.exiting = true;
    this.log(`${why}; ${this.options.relaunch ? 'relaunching' : 'exiting for the supervisor to restart'} (exit code ${EXIT_CODES.crash})`);
    if (this.options.relaunch) this.app.relaunch();
    this.app.exit(EXIT_CODES.crash);
  }
}

// ---- the window's kiosk behaviour -----------------------------------------------------------------------------

export interface KioskWindowLike {
  webContents: {
    on(event: 'before-input-event', listener: (event: { preventDefault(): void }, input: Input) => void): unknown;
  };
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
}

/**
 * Kiosk mode only: swallows the escape shortcuts and refuses to close the window unless the operator quit
 * (`allowClose()`), so Alt+F4 from the window manager does not end the kiosk either.
 */
export function installKioskGuards(
  window: KioskWindowLike,
  options: { platform: NodeJS.Platform; log?: (line: string) => void },
): { allowClose(): void } {
  let closingAllowed = false;
  window.webContents.on('before-input-event', (event, input) => {
    if (isEscapeShortcut(input, options.platform)) {
      event.preventDefault();
      options.log?.(`swallowed ${[input.control && 'Ctrl', input.meta && 'Meta', input.alt && 'Alt', input.shift && 'Shift', input.key].filter(Boolean).join('+')}`);
    }
  });
  window.on('close', (event) => {
    if (!closingAllowed) {
      event.preventDefault();
      options.log?.('refused to close the kiosk window (operator quit needs the PIN)');
    }
  });
  return {
    allowClose() {
      closingAllowed = true;
    },
  };
}

// ---- mode ------------------------------------------------------------------------------------------------------

export interface ShellMode {
  kiosk: boolean;
  /** A supervisor restarts us after a crash: do not relaunch ourselves as well. */
  supervised: boolean;
}

/** `--kiosk` / KIOSK_MODE=1 → kiosk; `--recruiter` wins over both; `--supervised` / KIOSK_SUPERVISED=1. */
export function shellMode(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ShellMode {
  const kiosk = !argv.includes('--recruiter') && (argv.includes('--kiosk') || env.KIOSK_MODE === '1');
  return { kiosk, supervised: argv.includes('--supervised') || env.KIOSK_SUPERVISED === '1' };
}
