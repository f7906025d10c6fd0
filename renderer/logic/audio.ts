// Audio helpers for the pre-flight check.
import { t } from '../i18n';

/** Root mean square of float samples (-1…1). */
export function rms(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    sum += s * s;
  }
  return Math.sqrt(sum / samples.length);
}

/**
 * Meter position 0…1 from an RMS value, on a dB scale from -60 dBFS (0) to 0 dBFS (1): speech at arm's length
 * (-30…-15 dBFS) lands mid-scale, where a linear scale would barely move.
 */
export function meterLevel(rmsValue: number): number {
  if (!(rmsValue > 0)) return 0;
  const db = 20 * Math.log10(rmsValue);
  return Math.min(1, Math.max(0, (db + 60) / 60));
}

/** Words for the meter: the candidate needs to know whether they are heard. */
export function levelLabel(level: number): string {
  if (level < 0.15) return t('preflight.levelNone');
  if (level < 0.4) return t('preflight.levelQuiet');
  if (level < 0.9) return t('preflight.levelGood');
  return t('preflight.levelLoud');
}

