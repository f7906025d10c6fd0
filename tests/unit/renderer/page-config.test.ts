// The page's test configuration: the web host writes it only when its options ask, the renderer reads only valid
// values. It is the one channel for tuning the renderer in tests (nothing of it is in the KioskApi).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

describe('page test config (the one channel for test tuning)', () => {
  it('the web host writes it only when asked, and the renderer reads only valid values', async () => {
    const { withPageConfig } = await import('../../../main/web/static');
    const { parsePageConfig } = await import('../../../renderer/transport/page-config');
    const html = '<html><head><title>k</title></head></html>';
    assert.equal(withPageConfig(html, {}), html);
    const written = withPageConfig(html, { reconnectDelayScale: 0.05 });
    const content = /name="kiosk-test-config" content="([^"]*)"/.exec(written)?.[1];
    assert.deepEqual(parsePageConfig(content), { reconnectDelayScale: 0.05 });
    assert.deepEqual(parsePageConfig('reconnectDelayScale=-1;other=3'), {});
    assert.deepEqual(parsePageConfig('reconnectDelayScale=abc'), {});
    assert.deepEqual(parsePageConfig(null), {});
  });
});
