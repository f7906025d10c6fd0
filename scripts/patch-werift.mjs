#!/usr/bin/env node
// postinstall: one fix to werift (the pure-JS WebRTC stack of the practice emulator and the tests' client peer).
// werift's DTLS client throws when a HelloVerifyRequest arrives a second time (client Flight3.exec:
// `if (this.dtls.flight === 3) throw new Error()`), which fails the whole connection. The server retransmits that
// message whenever the client's answer takes longer than its first 0.5 s timer, which a loaded kiosk does (seen:
// half the calls failed at a load of 12 on 2 cores). RFC 6347 §4.2.4: a duplicate flight is answered by the
// retransmission timer, never fatal; so a repeated HelloVerifyRequest is ignored. Idempotent; fails loudly if a
// new werift no longer has the line (then re-check whether the fix is still needed).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const MARK = '/* kiosk: duplicate HelloVerifyRequest ignored (scripts/patch-werift.mjs) */';
const BUG = /if \(this\.dtls\.flight === 3\)\s*throw new Error\(\);/;
const FIX = `if (this.dtls.flight >= 3) return; ${MARK}`;

// werift's exports hide package.json: its CommonJS entry is lib/webrtc/src/index.js, three levels below the root.
const root = join(dirname(createRequire(import.meta.url).resolve('werift')), '..', '..', '..');
const files = ['lib/index.mjs', 'lib/dtls/src/flight/client/flight3.js'].map((f) => join(root, f));
let failed = false;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  if (text.includes(MARK)) continue;
  if (!BUG.test(text)) {
    console.error(`patch-werift: the line to fix is not in ${file}; check the new werift's DTLS client Flight3 by hand`);
    failed = true;
    continue;
  }
  writeFileSync(file, text.replace(BUG, FIX));
  console.log(`patch-werift: patched ${file}`);
}
process.exit(failed ? 1 : 0);
