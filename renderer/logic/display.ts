// How the screen looks for this candidate: text size, high contrast, captions. PURE (the App applies it to the
// page). Held for one candidate only, never stored: a kiosk's next candidate starts at the defaults.
export type TextSize = 'normal' | 'large' | 'larger';
export const TEXT_SIZES: readonly TextSize[] = ['normal', 'large', 'larger'];

export interface DisplayPrefs {
  textSize: TextSize;
  /** High contrast on top of the operating system's own wish (prefers-contrast: more turns it on by itself). */
  highContrast: boolean;
  /** Captions of the interviewer's words (on by default). */
  captions: boolean;
}

export const DEFAULT_DISPLAY: DisplayPrefs = { textSize: 'normal', highContrast: false, captions: true };

/** The attributes the stylesheet keys on (renderer/styles.css: data-text-size, data-contrast). */
export function displayAttributes(prefs: DisplayPrefs): Record<'data-text-size' | 'data-contrast', string> {
  return { 'data-text-size': prefs.textSize, 'data-contrast': prefs.highContrast ? 'high' : 'standard' };
}
