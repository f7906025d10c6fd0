// Every error code survives the trip through the wire decoder (an unknown one becomes 'internal').
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KIOSK_ERROR_CODES, KioskError } from '../../../preload/contract';
import { toKioskError, unwrapResult } from '../../../preload/wire';

test('every contract error code is kept by unwrapResult and toKioskError', () => {
  for (const code of KIOSK_ERROR_CODES) {
    assert.throws(
      () => unwrapResult({ ok: false, error: { code, message: 'words' } }),
      (e: unknown) => e instanceof KioskError && e.code === code && e.message === 'words',
    );
    assert.equal(toKioskError({ name: 'KioskError', code, message: 'words' }).code, code);
  }
});

test('an unknown code becomes internal, the message kept', () => {
  assert.throws(
    () => unwrapResult({ ok: false, error: { code: 'made_up' as never, message: 'kept' } }),
    (e: unknown) => e instanceof KioskError && e.code === 'internal' && e.message === 'kept',
  );
});
