import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { chromiumArgs, findChromium } from '../../support/chromium';

const saved = process.env.KIOSK_CHROMIUM;
afterEach(() => {
  if (saved === undefined) delete process.env.KIOSK_CHROMIUM;
  else process.env.KIOSK_CHROMIUM = saved;
});

test('a KIOSK_CHROMIUM that does not exist is a clear error', () => {
  process.env.KIOSK_CHROMIUM = '/nonexistent/chromium';
  assert.throws(() => findChromium(), /KIOSK_CHROMIUM points at \/nonexistent\/chromium/);
});

test('finds a browser on this machine', () => {
  delete process.env.KIOSK_CHROMIUM;
  assert.match(findChromium(), /chrom/i);
});

test('flags keep WebRTC on loopback and use the fake microphone file', () => {
  const args = chromiumArgs({ fakeMicWav: '/tmp/mic.wav' });
  assert.ok(args.includes('--allow-loopback-in-peer-connection'));
  assert.ok(args.includes('--use-file-for-fake-audio-capture=/tmp/mic.wav'));
  assert.ok(args.includes('--disable-background-networking'));
});
