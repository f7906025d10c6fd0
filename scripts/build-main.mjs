#!/usr/bin/env node
// Bundles the Electron main process (ESM) and the preload (CommonJS: sandboxed preloads cannot be ES modules and
// may only require 'electron', so everything else is bundled in), and the web host. Type-checking is `npm run typecheck`.
import { build } from 'esbuild';

const common = { bundle: true, sourcemap: true, logLevel: 'info', target: 'node22' };

await build({
  ...common,
  entryPoints: ['main/app.ts'],
  outfile: 'dist/main/app.js',
  platform: 'node',
  format: 'esm',
  packages: 'external', // node_modules stay external: native better-sqlite3, werift, electron itself
});

await build({
  ...common,
  entryPoints: ['preload/index.ts'],
  outfile: 'dist/preload/index.cjs',
  platform: 'node',
  format: 'cjs',
  external: ['electron'],
});

// The web host (the renderer in a browser against the same core) as one file: starts in a fraction of the time
// `tsx` needs to compile it, which is what a restarted host costs in the recovery harness and `npm run dev:web`.
await build({
  ...common,
  entryPoints: ['main/web/serve.ts'],
  outfile: 'dist/web/serve.js',
  platform: 'node',
  target: 'node20', // plain Node, not Electron's
  format: 'esm',
  packages: 'external',
});
