// The candidate's display controls (text size, high contrast, captions), shared by the pre-flight and the
// interview room. Plain buttons with aria-pressed: Tab to reach, Enter or Space to press.
import { createContext, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_DISPLAY, TEXT_SIZES, type DisplayPrefs } from '../logic/display';

export const DisplayContext = createContext<{ prefs: DisplayPrefs; setPrefs: (next: DisplayPrefs) => void }>({
  prefs: DEFAULT_DISPLAY,
  setPrefs: () => undefined,
});

export function useDisplay() {
  return useContext(DisplayContext);
}

export function DisplayControls({ captions = false }: { captions?: boolean }) {
  const { t } = useTranslation();
  const { prefs, setPrefs } = useDisplay();
  return (
    <div className="display-controls" role="group" aria-label={t('display.group')}>
      <div role="group" aria-label={t('display.textSize')} className="actions">
        <span aria-hidden="true">{t('display.textSize')}</span>
        {TEXT_SIZES.map((size) => (
          <button key={size} type="button" aria-pressed={prefs.textSize === size} onClick={() => setPrefs({ ...prefs, textSize: size })}>
            {t(`display.size_${size}`)}
          </button>
        ))}
      </div>
      <div className="actions">
        <button type="button" aria-pressed={prefs.highContrast} onClick={() => setPrefs({ ...prefs, highContrast: !prefs.highContrast })}>
          {t('display.highContrast')}
        </button>
        {captions && (
          <button type="button" aria-pressed={prefs.captions} onClick={() => setPrefs({ ...prefs, captions: !prefs.captions })}>
            {t('display.captions')}
          </button>
        )}
      </div>
    </div>
  );
}
