// Builds the renderer into dist/renderer with relative URLs (served by the web host and by Electron's app://).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { withContentSecurityPolicy } from '../preload/csp';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  // index.html's CSP meta tag comes from the one policy the hosts also send (preload/csp.ts).
  plugins: [react(), { name: 'kiosk-csp', transformIndexHtml: (html: string) => withContentSecurityPolicy(html) }],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Everything ships with the app; no remote content, and no inline assets that a strict CSP would refuse.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
