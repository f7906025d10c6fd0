// The practice emulator, loaded on first use: werift and the voice clips are only needed once a practice call
// starts. The hosts (main/app.ts, main/web/host.ts) hand this factory to the core, which never imports the
// simulator itself.
import type { EmulatorHandle, EmulatorOptions } from './index';

export async function loadEmulator(options: EmulatorOptions): Promise<EmulatorHandle> {
  const { startEmulator } = await import('./index');
  return startEmulator(options);
}
