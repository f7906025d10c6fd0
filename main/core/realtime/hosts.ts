// Where a packaged kiosk may send the OpenAI key: https to a known Realtime host only. The key travels in the
// Authorization header of every request to the base URL, so whoever picks the base URL picks who receives the key
// (key-binding.ts makes a new origin need the key again; this list keeps a packaged kiosk from talking to any
// other host at all). The operator can add hosts (an Azure OpenAI resource, a company gateway) in the settings.
// Development builds and the web host keep the general rule of validation.ts (https anywhere, plain http only
// to this machine), for the test stubs; practice mode talks to the built-in emulator and is not a base URL.

/** Hosts every packaged kiosk may use. */
export const BUILT_IN_REALTIME_HOSTS: readonly string[] = ['api.openai.com'];

/** A host the operator may add: a DNS name or an IPv4 address, lower case, an optional port. No wildcards. */
export const REALTIME_HOST_PATTERN = /^(?=.{1,253}(:\d{1,5})?$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;
export const MAX_EXTRA_REALTIME_HOSTS = 20;

/**
 * Pure: why this base URL may not receive the key (in words), or null when it may. `extraHosts` are the
 * operator's additions; `packaged` is the Electron build flag.
 */
export function realtimeHostProblem(baseUrl: string, options: { packaged: boolean; extraHosts: readonly string[] }): string | null {
  if (!options.packaged) return null;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `"${baseUrl}" is not a URL.`;
  }
  if (url.protocol !== 'https:') {
    return `This kiosk sends the OpenAI key only over https; ${url.protocol.replace(':', '')}://${url.host} is refused.`;
  }
  const allowed = [...BUILT_IN_REALTIME_HOSTS, ...options.extraHosts];
  // URL.host drops a default port (443), so "api.openai.com:443" and "api.openai.com" are the same host.
  if (!allowed.includes(url.host)) {
    return `${url.host} is not on this kiosk's list of Realtime hosts (${allowed.join(', ')}). An operator can add it in the settings.`;
  }
  return null;
}
