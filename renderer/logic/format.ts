// Display formatting for the kiosk screens (numbers in the current UI language, through Intl).
import { formatNumber, t } from '../i18n';

/** 0 → "0:00", 65_400 → "1:05", 3_725_000 → "1:02:05". Negative or non-finite input shows as "0:00". */
export function formatElapsed(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Byte counts in words an operator reads: "812 B", "20.4 KB", "3.1 MB". */
export function formatBytes(bytes: number): string {
  const one = { minimumFractionDigits: 1, maximumFractionDigits: 1 };
  if (!Number.isFinite(bytes) || bytes < 0) return t('format.bytes', { value: formatNumber(0) });
  if (bytes < 1000) return t('format.bytes', { value: formatNumber(Math.round(bytes)) });
  if (bytes < 1_000_000) return t('format.kilobytes', { value: formatNumber(bytes / 1000, one) });
  return t('format.megabytes', { value: formatNumber(bytes / 1_000_000, one) });
}

/** Operator-facing words for an error of unknown shape: the message only, never a stack trace. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  // A copy of an error that crossed a context boundary (contextBridge, postMessage) may be a plain object.
  const message = (error as { message?: unknown } | null)?.message;
  if (error !== null && typeof error === 'object' && typeof message === 'string' && message) return message;
  if (typeof error === 'string' && error) return error;
  return t('common.somethingWrong');
}
