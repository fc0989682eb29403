import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DICTIONARIES, negotiateLanguage, translator } from '../../src/shared/i18n/index.js';
import { projectRoot } from '../../src/shared/paths.js';

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full, ext) : full.endsWith(ext) ? [full] : [];
  });
}

/** Literal keys in t('…') calls, plus keys built as 'prefix.' + x, expanded from known values. */
function keysUsedInViews(): { literal: Set<string>; prefixes: Set<string> } {
  const literal = new Set<string>();
  const prefixes = new Set<string>();
  const sources = [...files(path.join(projectRoot(), 'views'), '.ejs'), ...files(path.join(projectRoot(), 'src'), '.ts')];
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([a-z0-9_.]+)'\s*[,)]/g)) literal.add(m[1]);
    for (const m of text.matchAll(/\bt\(\s*'([a-z0-9_.]+[._])'\s*\+/g)) prefixes.add(m[1]);
    // Ternaries inside t(…): t(cond ? 'a.b' : 'c.d')
    for (const m of text.matchAll(/\bt\([^()]*\?\s*'([a-z0-9_.]+)'\s*:\s*'([a-z0-9_.]+)'\s*\)/g)) {
      literal.add(m[1]);
      literal.add(m[2]);
    }
    // Message keys passed around as data ('validation.x', 'lead.form.x').
    for (const m of text.matchAll(/'((?:validation|lead\.form|errors)\.[a-z0-9_.]+)'/g)) if (!/[._]$/.test(m[1])) literal.add(m[1]);
  }
  return { literal, prefixes };
}

describe('i18n dictionaries', () => {
  const de = Object.keys(DICTIONARIES.de).sort();
  const en = Object.keys(DICTIONARIES.en).sort();

  it('German and English define exactly the same keys, none empty', () => {
    expect(en).to.deep.equal(de);
    for (const lang of ['de', 'en'] as const) {
      for (const [k, v] of Object.entries(DICTIONARIES[lang])) expect(v.trim(), `${lang}:${k}`).not.to.equal('');
    }
  });

  it('every key used in a view or route is defined', () => {
    const { literal, prefixes } = keysUsedInViews();
    expect(literal.size).to.be.greaterThan(100);
    const missing = [...literal].filter((k) => !(k in DICTIONARIES.de));
    expect(missing).to.deep.equal([]);
    // Dynamic keys ('status.' + x, 'role.' + x, …) must have at least one entry per prefix.
    for (const p of prefixes) expect(de.some((k) => k.startsWith(p)), p).to.equal(true);
  });

  it('dynamic key families are complete for every value the code can produce', () => {
    const families: Record<string, string[]> = {
      'status.': ['draft', 'open', 'closed'],
      'role.': ['current_practice', 'meaning', 'challenges', 'future', 'custom'],
      'mode.': ['text', 'video'],
      'anonymity.': ['anonymous', 'identified'],
      'lang.': ['de', 'en'],
    };
    for (const [prefix, values] of Object.entries(families)) {
      for (const v of values) expect(de, prefix + v).to.include(prefix + v);
    }
    for (const status of [400, 404, 409, 410, 413, 500, 503]) {
      expect(de).to.include(`errors.${status}.title`);
      expect(de).to.include(`errors.${status}.text`);
    }
  });

  it('placeholders are the same in both languages', () => {
    for (const key of de) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(DICTIONARIES.en[key as keyof typeof DICTIONARIES.en]), key).to.deep.equal(names(DICTIONARIES.de[key as keyof typeof DICTIONARIES.de]));
    }
  });

  it('translator fills placeholders and negotiateLanguage honours weights', () => {
    expect(translator('en')('respond.answer.progress', { done: 2, total: 4 })).to.equal('2 of 4 questions answered');
    expect(negotiateLanguage('fr-FR,en;q=0.8,de;q=0.9')).to.equal('de');
    expect(negotiateLanguage('en-US')).to.equal('en');
    expect(negotiateLanguage(undefined)).to.equal('de');
    expect(negotiateLanguage('de', ['en'])).to.equal('en');
    expect(negotiateLanguage('en;q=0, de;q=0.1')).to.equal('de');
  });
});
