// Static guarantees of the renderer: it imports no Node or Electron module and nothing from main/, the only
// way to main is the contract (+ the shared wire format), and index.html carries the strict CSP.
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY, withContentSecurityPolicy } from '../../../preload/csp';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const rendererDir = fileURLToPath(new URL('../../../renderer', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') && name !== 'vite.config.ts' ? [full] : [];
  });
}

function importsOf(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g)) {
    out.push((m[1] ?? m[2] ?? m[3])!);
  }
  return out;
}

describe('renderer boundaries', () => {
  const files = sources(rendererDir);

  it('finds the renderer sources (the scan itself works)', () => {
    assert.ok(files.length >= 10, `found ${files.length} files`);
    const all = files.flatMap((f) => importsOf(readFileSync(f, 'utf8')));
    assert.ok(all.includes('react'), 'sees a bare import');
    assert.ok(all.includes('../../preload/contract'), 'sees a relative import');
  });

  it('imports no Node built-in, no Electron, nothing from main/, and from preload/ only the contract, the wire format and the backoff rule', () => {
    // React, and the UI's translation library (i18next and its React binding, bundled; no network loading).
    const allowedBare = new Set(['react', 'react-dom/client', 'react/jsx-runtime', 'i18next', 'react-i18next']);
    for (const file of files) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const where = `${relative(rendererDir, file)} imports ${spec}`;
        if (spec.startsWith('.')) {
          assert.doesNotMatch(spec, /(^|\/)main\//, where);
          if (spec.includes('preload/')) assert.match(spec, /preload\/(contract|wire|backoff)$/, where);
          assert.doesNotMatch(spec, /\.\.\/\.\.\/\.\.\//, `${where}: reaches outside the project areas`);
        } else {
          assert.ok(allowedBare.has(spec), `${where}: only React and i18next may be imported by name`);
        }
      }
    }
  });

  it('holds no secrets or file paths in its sources', () => {
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      assert.doesNotMatch(code, /sk-[A-Za-z0-9]{10,}|Bearer\s|process\.env|require\(/, relative(rendererDir, file));
    }
  });

  it('index.html has the strict Content-Security-Policy and loads nothing remote', () => {
    // The build fills the meta tag from the one policy the hosts also send (preload/csp.ts).
    const html = withContentSecurityPolicy(readFileSync(join(rendererDir, 'index.html'), 'utf8'));
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    assert.ok(csp, 'a CSP meta tag');
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    assert.deepEqual(directives['default-src'], ["'self'"]);
    assert.deepEqual(directives['script-src'], ["'self'"]);
    assert.deepEqual(directives['connect-src'], ["'self'"]);
    assert.deepEqual(directives['media-src'], ["'self'", 'blob:', 'mediastream:']);
    assert.deepEqual(directives['style-src'], ["'self'"], 'no unsafe-inline styles');
    assert.doesNotMatch(html, /https?:\/\//, 'no remote URLs');
    assert.equal(csp, META_CONTENT_SECURITY_POLICY);
    assert.ok(CONTENT_SECURITY_POLICY.startsWith(csp.split('; frame-ancestors')[0]!.split('; form-action')[0]!), 'the hosts send the same policy');
    const css = readFileSync(join(rendererDir, 'styles.css'), 'utf8');
    assert.doesNotMatch(css, /@import|url\(\s*['"]?https?:/, 'no remote fonts or stylesheets');
  });
});
