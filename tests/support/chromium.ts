// Finds a Chromium for the browser tests: Playwright's own build if it is installed, else Debian's
// /usr/bin/chromium, else fails saying exactly what to install.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright';

export function findChromium(): string {
  const fromEnv = process.env.KIOSK_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`KIOSK_CHROMIUM points at ${fromEnv}, which does not exist.`);
    return fromEnv;
  }
  try {
    const bundled = chromium.executablePath();
    if (bundled && existsSync(bundled)) return bundled;
  } catch {
    // Playwright's browsers are not installed: fall through to the system browser.
  }
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    'No Chromium found for the browser tests. Install one of: Debian/Ubuntu `sudo apt-get install chromium`, ' +
      'or Playwright\'s build with `npx playwright install chromium`; or set KIOSK_CHROMIUM to a Chromium binary.',
  );
}

export interface LaunchChromiumOptions {
  /** A 48 kHz mono 16-bit WAV used as the microphone (Chromium loops it). */
  fakeMicWav?: string;
  userDataDir?: string;
  extraArgs?: string[];
}

/** Flags that keep Chromium hermetic and WebRTC on loopback (see docs/webrtc-in-tests.md). */
export function chromiumArgs(options: LaunchChromiumOptions = {}): string[] {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
    '--allow-loopback-in-peer-connection',
  ];
  if (options.fakeMicWav) args.push(`--use-file-for-fake-audio-capture=${options.fakeMicWav}`);
  return [...args, ...(options.extraArgs ?? [])];
}

export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const launch: LaunchOptions = { executablePath: findChromium(), headless: true, args: chromiumArgs(options) };
  return chromium.launch(launch);
}
