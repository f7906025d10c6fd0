#!/usr/bin/env node
// Bundles the Electron main process (ESM) and the preload (CommonJS: sandboxed preloads cannot be ES modules and
// may only require 'electron', so everything else is bundled in), and the web host. Type-checking is `npm run typecheck`.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry a content hash: start clean so no stale chunk is left beside the new ones.
for (const dir of ['dist/main', 'dist/web', 'dist/preload']) rmSync(dir, { recursive: true, force: true });

const common = { bundle: true, sourcemap: true, logLevel: 'info', target: 'node22' };
// ESM bundles are split so that a dynamic import stays lazy: without splitting, esbuild hoists the static imports of
// a lazily loaded module (the practice emulator's werift, its certificate libraries, opusscript) to the top of the
// one file, and every start pays for loading them (about half of a host's start-up), practice mode or not.
const split = { splitting: true, chunkNames: 'chunks/[name]-[hash]' };

await build({
  ...common,
  ...split,
  entryPoints: { app: 'main/app.ts' },
  outdir: 'dist/main',
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
  ...split,
  entryPoints: { serve: 'main/web/serve.ts' },
  outdir: 'dist/web',
  platform: 'node',
  target: 'node20', // plain Node, not Electron's
  format: 'esm',
  packages: 'external',
});
