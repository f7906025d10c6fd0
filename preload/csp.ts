// The renderer's Content-Security-Policy, in one place. It is sent as a header by Electron's app:// handler
// (main/electron/protocol.ts) and by the web host (main/web/static.ts), and written into index.html's meta tag
// at build time (renderer/vite.config.ts). Nothing may be contacted, loaded or framed but the app's own origin
// (connect-src 'self' covers the same-origin WebSocket in CSP 3); no inline scripts or styles.
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "media-src 'self' blob: mediastream:",
  "img-src 'self' data:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
];

export const CONTENT_SECURITY_POLICY = DIRECTIVES.join('; ');

/** The meta-tag form: frame-ancestors is ignored in a meta tag (CSP 3, §6.1.2 "frame-ancestors"), so it is left
 * out there; the header carries it. */
export const META_CONTENT_SECURITY_POLICY = DIRECTIVES.filter((d) => !d.startsWith('frame-ancestors')).join('; ');

/** What index.html holds where the meta tag's policy goes; the build replaces it. */
export const CSP_PLACEHOLDER = '%KIOSK_CSP%';

/** index.html with the policy filled in (the build's transform; fails loudly when the placeholder is missing). */
export function withContentSecurityPolicy(html: string): string {
  if (!html.includes(CSP_PLACEHOLDER)) throw new Error(`index.html has no ${CSP_PLACEHOLDER} for the Content-Security-Policy`);
  return html.replaceAll(CSP_PLACEHOLDER, META_CONTENT_SECURITY_POLICY);
}
