// The web host's socket token on the page side: read once from the address fragment, kept for the tab, removed
// from the address bar; offered as a subprotocol that the host's parser reads back (and nothing else passes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { socketProtocols, tokenFromFragment, tokenFromProtocols } from '../../../preload/wire';
import { takeSocketToken } from '../../../renderer/transport';

const TOKEN = 'eogWrTOMVmEFKadTJHcjF8wNPpV5ecARhS0LfY4qmtk';

test('the fragment token is kept for the tab and removed from the address bar', () => {
  const stored = new Map<string, string>();
  const storage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
  const replaced: string[] = [];
  const history = { replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) };
  assert.equal(takeSocketToken({ hash: `#token=${TOKEN}`, pathname: '/', search: '' }, storage, history), TOKEN);
  assert.deepEqual(replaced, ['/'], 'the token leaves the address bar');
  assert.equal(takeSocketToken({ hash: '', pathname: '/', search: '' }, storage, history), TOKEN, 'a reload keeps it');
  assert.equal(takeSocketToken({ hash: '', pathname: '/', search: '' }, { getItem: () => null, setItem: () => {} }, history), null);
});

test('subprotocol round trip; malformed or short tokens are not tokens', () => {
  assert.equal(tokenFromProtocols(socketProtocols(TOKEN).join(', ')), TOKEN);
  assert.equal(tokenFromProtocols('kiosk'), null);
  assert.equal(tokenFromProtocols(undefined), null);
  assert.equal(tokenFromProtocols('kiosk, kiosk-token.short'), null);
  assert.equal(tokenFromFragment(`#token=${TOKEN}`), TOKEN);
  assert.equal(tokenFromFragment('#token=<script>'), null);
  assert.equal(tokenFromFragment(`#other=${TOKEN}`), null);
});
