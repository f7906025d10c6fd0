// The UI language picker (top bar): one button per language, each under its own name, the current one pressed.
// Buttons rather than a drop-down: Tab and Enter or Space reach every language, and a touch screen needs one tap.
// Switching sets the page's lang and dir (see renderer/i18n).
import { useTranslation } from 'react-i18next';
import { setUiLanguage, uiLanguage, UI_LANGUAGES } from '../i18n';

export function LanguagePicker() {
  const { t } = useTranslation();
  const current = uiLanguage();
  return (
    <div className="language-picker" role="group" aria-label={t('app.language')}>
      {UI_LANGUAGES.map((l) => (
        <button key={l.code} type="button" lang={l.code} aria-pressed={current === l.code} onClick={() => void setUiLanguage(l.code)}>
          {l.name}
        </button>
      ))}
    </div>
  );
}
