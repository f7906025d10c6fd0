// The OpenAI key is bound to the origin it was entered for. Whoever holds the admin screen could otherwise point
// the base URL at a server of their own and let the kiosk hand the key over in its Authorization header. So:
// the key is used only while the base URL has the origin it was set for, and changing the base URL to another
// origin deletes the key (the operator enters it again for the new origin, knowingly).
import type { SecretStore, SettingsStore, StoredSettings } from './types';

export const originOf = (url: string): string => new URL(url).origin;

/** The origin the stored key belongs to (a key stored before origins were recorded: the current base URL's). */
function boundOrigin(s: StoredSettings): string {
  return s.openaiKeyOrigin ?? originOf(s.openaiBaseUrl);
}

/** The key, only when the configured base URL is the origin it was entered for; else null. */
export function usableOpenAIKey(secrets: SecretStore, settings: SettingsStore): string | null {
  const key = secrets.getOpenAIKey();
  if (!key) return null;
  const s = settings.get();
  return boundOrigin(s) === originOf(s.openaiBaseUrl) ? key : null;
}

/** Stores the key for the current base URL's origin. */
export function setOpenAIKeyForCurrentOrigin(secrets: SecretStore, settings: SettingsStore, key: string): void {
  secrets.setOpenAIKey(key);
  settings.update({ openaiKeyOrigin: originOf(settings.get().openaiBaseUrl) });
}

/** Applies a settings patch; a base URL on another origin deletes the key first. Says whether it did. */
export function updateSettingsKeepingKeyBound(
  secrets: SecretStore,
  settings: SettingsStore,
  patch: Partial<StoredSettings>,
): { keyRemoved: boolean } {
  const before = settings.get();
  const moves = patch.openaiBaseUrl !== undefined && originOf(patch.openaiBaseUrl) !== boundOrigin(before);
  const hadKey = secrets.getOpenAIKey() !== null;
  if (moves) secrets.clearOpenAIKey(); // before the URL changes: no moment where the key meets the new origin
  settings.update(moves ? { ...patch, openaiKeyOrigin: undefined } : patch);
  return { keyRemoved: moves && hadKey };
}
