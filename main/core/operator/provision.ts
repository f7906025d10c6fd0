// Provisioning the operator PIN from outside the kiosk screens: `interview-kiosk --set-operator-pin` (Electron)
// or `serve.js --set-operator-pin` (web host) reads the PIN twice from the terminal and stores its hash. Only
// someone with a shell on the machine as the kiosk user (an administrator) can do this; in kiosk mode the screens
// cannot choose the first PIN (main/core/operator/lock.ts).
import type { Readable, Writable } from 'node:stream';
import { KioskError } from '../../../preload/contract';
import { DEFAULT_SCRYPT, EMPTY_RECORD, hashPin, pinProblem, type LockRecordStore, type ScryptParams } from './lock';

/** Stores a new PIN (hash only), resetting the failure counts; replaces any earlier PIN. Refuses weak PINs. */
export async function provisionOperatorPin(store: LockRecordStore, pin: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<void> {
  const problem = pinProblem(pin);
  if (problem) throw new KioskError('invalid_request', problem);
  store.save({ ...EMPTY_RECORD, pin: await hashPin(pin, params) });
}

type TerminalInput = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/**
 * Reads lines from the terminal; on a TTY without echo (the PIN never appears on screen or in scrollback). What a
 * pipe delivers beyond one line is kept for the next.
 */
function secretLines(input: TerminalInput, output: Writable) {
  let pending = '';
  let ended = false;
  let onEnd: (() => void) | null = null;
  // 'end' fires once, possibly between two questions: remember it rather than miss it.
  input.once('end', () => {
    ended = true;
    onEnd?.();
  });
  return (prompt: string): Promise<string> => {
    output.write(prompt);
    const raw = Boolean(input.isTTY && input.setRawMode);
    if (raw) input.setRawMode!(true);
    return new Promise((resolve, reject) => {
      const finish = (error: Error | null, line = '') => {
        input.off('data', onData);
        onEnd = null;
        if (raw) input.setRawMode!(false);
        input.pause();
        output.write('\n');
        if (error) reject(error);
        else resolve(line);
      };
      const take = (): boolean => {
        let line = '';
        for (let i = 0; i < pending.length; i++) {
          const ch = pending[i]!;
          if (ch === '\r' || ch === '\n') {
            pending = pending.slice(i + (ch === '\r' && pending[i + 1] === '\n' ? 2 : 1));
            finish(null, line);
            return true;
          }
          if (ch === '\u0003' || ch === '\u0004') {
            finish(new Error('Cancelled; the PIN was not changed.'));
            return true;
          }
          if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
          else line += ch;
        }
        return false;
      };
      const ending = () => {
        if (take()) return;
        const rest = pending;
        pending = '';
        finish(rest ? null : new Error('The input ended before a PIN was typed.'), rest);
      };
      const onData = (chunk: Buffer | string) => {
        pending += chunk.toString();
        take();
      };
      if (take()) return;
      if (ended) return ending();
      onEnd = ending;
      input.on('data', onData);
      input.resume();
    });
  };
}

/** Asks for the PIN twice and returns it when both agree and it is acceptable; explains and asks again otherwise. */
export async function readNewPin(input: TerminalInput, output: Writable, attempts = 3): Promise<string> {
  const ask = secretLines(input, output);
  for (let i = 0; i < attempts; i++) {
    const pin = (await ask('New operator PIN (6 to 12 digits): ')).trim();
    const problem = pinProblem(pin);
    if (problem) {
      output.write(`${problem}\n`);
      continue;
    }
    const again = (await ask('The same PIN again: ')).trim();
    if (again === pin) return pin;
    output.write('The two PINs differ.\n');
  }
  throw new Error('No acceptable PIN was typed; the PIN was not changed.');
}
