// The UI's words: one i18next instance with every catalogue bundled (no network loading on a kiosk), plurals by
// CLDR rules (i18next's _one/_other… suffixes, through Intl.PluralRules), numbers and dates through Intl in the
// current language, and the document's lang/dir following the language (Arabic lays the page out right to left).
import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { ar } from './ar';
import { de } from './de';
import { en, type Catalogue } from './en';

export const CATALOGUES: Readonly<Record<string, Catalogue>> = { en, de, ar };

export interface UiLanguage {
  code: string;
  /** The language's own name, shown in the picker whatever the current language is. */
  name: string;
  dir: 'ltr' | 'rtl';
}

export const UI_LANGUAGES: readonly UiLanguage[] = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'de', name: 'Deutsch', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
];

export const i18n: I18n = i18next.createInstance();
void i18n.init({
  resources: Object.fromEntries(Object.entries(CATALOGUES).map(([lng, c]) => [lng, { translation: c }])),
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: UI_LANGUAGES.map((l) => l.code),
  // "de-AT" uses the "de" catalogue.
  nonExplicitSupportedLngs: true,
  load: 'languageOnly',
  initAsync: false,
  // React escapes what it renders; escaping here would show "&amp;" on screen.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Translate in the current language (for plain functions outside React; components use useTranslation). */
export const t: TFunction = i18n.t.bind(i18n);

/** The UI language's base code ("de" for "de-AT"), as the catalogues know it. */
export function uiLanguage(): string {
  return i18n.resolvedLanguage ?? i18n.language ?? 'en';
}

export function languageDirection(code: string): 'ltr' | 'rtl' {
  const base = code.split('-')[0];
  return UI_LANGUAGES.find((l) => l.code === base)?.dir ?? 'ltr';
}

/** Switch the UI language; the page's lang and dir follow (screen readers pick their voice from lang). */
export async function setUiLanguage(code: string): Promise<void> {
  await i18n.changeLanguage(code);
  if (typeof document !== 'undefined') {
    document.documentElement.lang = code;
    document.documentElement.dir = languageDirection(code);
  }
}

/** A number in the current language's digits and separators. */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(i18n.language, options).format(value);
}

/** A date and time in the current language. */
export function formatDateTime(date: Date, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  return new Intl.DateTimeFormat(i18n.language, options).format(date);
}
