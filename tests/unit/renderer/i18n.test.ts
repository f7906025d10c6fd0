// The UI catalogues: every language has exactly the English keys (plural keys with exactly the plural forms its
// language needs, per Intl.PluralRules), the same interpolation variables, and every key the screens use exists.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CATALOGUES, languageDirection, setUiLanguage, t, UI_LANGUAGES } from '../../../renderer/i18n';
import type { Catalogue } from '../../../renderer/i18n/en';
import { formatBytes } from '../../../renderer/logic/format';

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

function flatten(c: Catalogue, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

/** Plain keys, and plural keys grouped by base ("summary.entries" → {one, other}). */
function shape(c: Catalogue): { plain: Map<string, string>; plural: Map<string, Map<string, string>> } {
  const plain = new Map<string, string>();
  const plural = new Map<string, Map<string, string>>();
  for (const [key, value] of flatten(c)) {
    const m = PLURAL_SUFFIX.exec(key);
    if (m) {
      const base = key.slice(0, -m[0].length);
      if (!plural.has(base)) plural.set(base, new Map());
      plural.get(base)!.set(m[1]!, value);
    } else plain.set(key, value);
  }
  return { plain, plural };
}

const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const sorted = (it: Iterable<string>) => [...it].sort();

const reference = shape(CATALOGUES.en!);

describe('UI catalogues', () => {
  after(() => setUiLanguage('en'));

  it('lists a catalogue for every offered language, English and at least two more, one of them right to left', () => {
    assert.deepEqual(sorted(Object.keys(CATALOGUES)), sorted(UI_LANGUAGES.map((l) => l.code)));
    assert.ok(UI_LANGUAGES.length >= 3);
    assert.ok(UI_LANGUAGES.some((l) => l.dir === 'rtl'));
    assert.equal(languageDirection('ar'), 'rtl');
    assert.equal(languageDirection('de-AT'), 'ltr');
  });

  for (const { code } of UI_LANGUAGES) {
    it(`${code}: has every English key and no stray ones, with the plural forms ${code} needs`, () => {
      const got = shape(CATALOGUES[code]!);
      const missing = [...reference.plain.keys()].filter((k) => !got.plain.has(k));
      const stray = [...got.plain.keys()].filter((k) => !reference.plain.has(k));
      assert.deepEqual({ missing, stray }, { missing: [], stray: [] });
      assert.deepEqual(sorted(got.plural.keys()), sorted(reference.plural.keys()), 'plural keys');
      const forms = sorted(new Intl.PluralRules(code).resolvedOptions().pluralCategories);
      for (const [base, byForm] of got.plural) assert.deepEqual(sorted(byForm.keys()), forms, `${code} ${base}`);
    });

    it(`${code}: keeps every interpolation variable of the English text, and no empty text`, () => {
      const got = shape(CATALOGUES[code]!);
      for (const [key, value] of got.plain) {
        assert.ok(value.trim().length > 0, `${code} ${key} is empty`);
        assert.deepEqual(vars(value), vars(reference.plain.get(key)!), `${code} ${key}`);
      }
      for (const [base, byForm] of got.plural) {
        const english = new Set(vars(reference.plural.get(base)!.get('other')!));
        // A form may spell the number out ("مدخلان"); it may not invent a variable.
        for (const [form, value] of byForm) for (const v of vars(value)) assert.ok(english.has(v) || v === 'count', `${code} ${base}_${form} uses {{${v}}}`);
      }
    });
  }

  it('every key the renderer asks for exists in English', () => {
    const used = new Set<string>();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(name)) for (const m of readFileSync(p, 'utf8').matchAll(/\bt\(\s*'([\w.]+)'/g)) used.add(m[1]!);
      }
    };
    walk(join(import.meta.dirname, '../../../renderer'));
    assert.ok(used.size > 100, `found only ${used.size} keys: is the scan broken?`);
    const missing = [...used].filter((k) => !reference.plain.has(k) && !reference.plural.has(k));
    assert.deepEqual(missing, []);
  });

  it('chooses plural forms, numbers and fallbacks by language', async () => {
    await setUiLanguage('en');
    assert.equal(t('summary.entries', { count: 1 }), '1 entry');
    assert.equal(t('summary.entries', { count: 5 }), '5 entries');
    await setUiLanguage('ar');
    const arabic = [0, 1, 2, 3, 11, 100].map((count) => t('summary.entries', { count }));
    assert.equal(new Set(arabic).size, 6, `six Arabic forms: ${arabic.join(' | ')}`);
    await setUiLanguage('de-AT'); // a regional variant falls back to its language
    assert.equal(t('summary.entries', { count: 1 }), '1 Eintrag');
    assert.equal(formatBytes(20_400), '20,4 KB');
    await setUiLanguage('en');
    assert.equal(formatBytes(20_400), '20.4 KB');
  });
});
