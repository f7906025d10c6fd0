// The packaged-build start-up check (main/electron/startup.ts): each refused switch and variable, in every
// spelling Chromium accepts, stops a packaged build; development builds keep them; KIOSK_SQLITE_BINDING and
// --user-data-dir are honoured only in development.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkStartup, describeStartupProblems, REFUSED_SWITCHES, switchName } from '../../../main/electron/startup';

const EXE = '/opt/Interview Kiosk/interview-kiosk';
const packaged = (argv: string[], env: Record<string, string> = {}, platform: NodeJS.Platform = 'linux') =>
  checkStartup({ packaged: true, argv: [EXE, ...argv], env, platform });

describe('packaged start-up check', () => {
  it('a clean kiosk start passes', () => {
    const d = packaged(['--kiosk', '--supervised'], { HOME: '/home/kiosk', PATH: '/usr/bin', NODE_TLS_REJECT_UNAUTHORIZED: '1' });
    assert.deepEqual(d.problems, []);
  });

  // The list, each on its own, plus the related ones the check also knows.
  const switches: Array<[string, string]> = [
    ['--remote-debugging-port=9222', 'debugging'],
    ['--remote-debugging-pipe', 'debugging'],
    ['--inspect', 'debugging'],
    ['--inspect=9229', 'debugging'],
    ['--inspect-brk=0.0.0.0:9229', 'debugging'],
    ['--inspect-port=9229', 'debugging'],
    ['--js-flags=--allow-natives-syntax', 'debugging'],
    ['--no-sandbox', 'sandbox'],
    ['--disable-gpu-sandbox', 'sandbox'],
    ['--disable-setuid-sandbox', 'sandbox'],
    ['--disable-web-security', 'sandbox'],
    ['--proxy-server=http://10.0.0.5:8080', 'proxy'],
    ['--proxy-pac-url=http://evil/proxy.pac', 'proxy'],
    ['--proxy-auto-detect', 'proxy'],
    ['--host-resolver-rules=MAP api.openai.com 10.0.0.5', 'proxy'],
    ['--ignore-certificate-errors', 'certificates'],
    ['--ignore-certificate-errors-spki-list=abc', 'certificates'],
    ['--allow-insecure-localhost', 'certificates'],
  ];
  for (const [arg, kind] of switches) {
    it(`refuses ${arg}`, () => {
      const d = packaged(['--kiosk', arg]);
      assert.deepEqual(d.problems, [{ kind, what: arg.split('=')[0] }]);
    });
  }

  it('refuses the single-dash POSIX spelling, and the slash and any-case spellings on Windows', () => {
    assert.equal(packaged(['-no-sandbox']).problems.length, 1);
    assert.equal(packaged(['/no-sandbox'], {}, 'win32').problems.length, 1);
    assert.equal(packaged(['--No-Sandbox'], {}, 'win32').problems.length, 1);
    assert.equal(packaged(['/no-sandbox'], {}, 'linux').problems.length, 0, 'a POSIX path is not a switch');
  });

  it('does not mistake a longer or shorter name for a refused one', () => {
    assert.deepEqual(packaged(['--inspector-mode', '--proxy', '--sandbox-extra']).problems, []);
  });

  const variables: Array<[Record<string, string>, string, string]> = [
    [{ ELECTRON_RUN_AS_NODE: '1' }, 'ELECTRON_RUN_AS_NODE', 'debugging'],
    [{ NODE_OPTIONS: '--inspect' }, 'NODE_OPTIONS', 'debugging'],
    [{ ELECTRON_ENABLE_LOGGING: '1' }, 'ELECTRON_ENABLE_LOGGING', 'debugging'],
    [{ SSLKEYLOGFILE: '/tmp/keys' }, 'SSLKEYLOGFILE', 'debugging'],
    [{ ELECTRON_DISABLE_SANDBOX: '1' }, 'ELECTRON_DISABLE_SANDBOX', 'sandbox'],
    [{ HTTPS_PROXY: 'http://10.0.0.5:8080' }, 'HTTPS_PROXY', 'proxy'],
    [{ http_proxy: 'http://10.0.0.5:8080' }, 'http_proxy', 'proxy'],
    [{ ALL_PROXY: 'socks5://10.0.0.5' }, 'ALL_PROXY', 'proxy'],
    [{ NODE_TLS_REJECT_UNAUTHORIZED: '0' }, 'NODE_TLS_REJECT_UNAUTHORIZED', 'certificates'],
    [{ NODE_EXTRA_CA_CERTS: '/tmp/evil-ca.pem' }, 'NODE_EXTRA_CA_CERTS', 'certificates'],
  ];
  for (const [env, what, kind] of variables) {
    it(`refuses ${what}=${Object.values(env)[0]}`, () => {
      assert.deepEqual(packaged(['--kiosk'], env).problems, [{ kind, what }]);
    });
  }

  it('Windows variable names are case-insensitive', () => {
    assert.deepEqual(packaged([], { Node_Tls_Reject_Unauthorized: '0' }, 'win32').problems, [{ kind: 'certificates', what: 'Node_Tls_Reject_Unauthorized' }]);
  });

  it('reports every problem at once, in words', () => {
    const d = packaged(['--no-sandbox', '--remote-debugging-port=9222'], { NODE_TLS_REJECT_UNAUTHORIZED: '0' });
    assert.equal(d.problems.length, 3);
    const text = describeStartupProblems(d.problems);
    assert.match(text, /refuses to start/);
    assert.match(text, /--no-sandbox: turns the renderer sandbox/);
    assert.match(text, /--remote-debugging-port: opens a debugger/);
    assert.match(text, /NODE_TLS_REJECT_UNAUTHORIZED: turns certificate checks off/);
  });

  it('ignores KIOSK_SQLITE_BINDING and --user-data-dir when packaged, honours them in development', () => {
    const argv = ['--user-data-dir=/tmp/other-profile'];
    const env = { KIOSK_SQLITE_BINDING: '/tmp/evil.node' };
    const p = packaged(argv, env);
    assert.deepEqual(p, { problems: [], sqliteBindingFromEnv: null, userDataDir: null });
    const dev = checkStartup({ packaged: false, argv: [EXE, ...argv, '--no-sandbox'], env, platform: 'linux' });
    assert.deepEqual(dev, { problems: [], sqliteBindingFromEnv: '/tmp/evil.node', userDataDir: '/tmp/other-profile' });
  });

  it('every listed switch name parses back to itself', () => {
    for (const name of Object.values(REFUSED_SWITCHES).flat()) assert.equal(switchName(`--${name}=1`, 'linux'), name);
  });
});
