// The UI language picker (top bar). Each language is listed under its own name; switching sets the page's lang and
// dir (see renderer/i18n).
import { useTranslation } from 'react-i18next';
import { setUiLanguage, uiLanguage, UI_LANGUAGES } from '../i18n';

export function LanguagePicker() {
  const { t } = useTranslation();
  return (
    <label className="language-picker">
      <span>{t('app.language')}</span>
      <select value={uiLanguage()} onChange={(e) => void setUiLanguage(e.target.value)}>
        {UI_LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
