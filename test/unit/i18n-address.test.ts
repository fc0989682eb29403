import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { addressFormsIn, addressIssues } from '../../src/campaigns/address.js';
import { interviewTemplate, withTemplateWording } from '../../src/campaigns/interview-template.js';
import { renderMail } from '../../src/participants/mailer/templates.js';
import { DICTIONARIES, INFORMAL_DE, translator, type MessageKey } from '../../src/shared/i18n/index.js';
import { projectRoot } from '../../src/shared/paths.js';

/** Keys a respondent can see: used by the respondent's views, produced by their validation, and the e-mails. */
function respondentKeys(): MessageKey[] {
  const root = projectRoot();
  const views = [
    ...readdirSync(path.join(root, 'views', 'respond')).map((f) => path.join('views', 'respond', f)),
    'views/media/recorder.ejs',
    'views/media/recorder-forms.ejs',
    'views/partials/error-summary.ejs',
    'views/partials/field-error.ejs',
    'views/partials/head.ejs',
    'views/partials/foot.ejs',
  ];
  const keys = new Set<string>();
  for (const file of views) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([a-z0-9_.]+)'/g)) keys.add(m[1]);
    for (const m of text.matchAll(/'((?:respond|media)\.[a-z0-9_.]+)'/g)) keys.add(m[1]);
  }
  for (const file of ['src/responses/response.schemas.ts', 'src/responses/response.service.ts', 'src/responses/response.respond.routes.ts']) {
    for (const m of readFileSync(path.join(root, file), 'utf8').matchAll(/'((?:validation|respond)\.[a-z0-9_.]+)'/g)) keys.add(m[1]);
  }
  // Error pages under /r (views/errors/error.ejs) and every e-mail text.
  const all = Object.keys(DICTIONARIES.de);
  for (const k of all) if (/^(errors\.\d+\.|errors\.code\.csrf_failed$|mail\.|respond\.|media\.(rec|file|transcript|error)\.|form\.error)/.test(k)) keys.add(k);
  return [...keys].filter((k) => k in DICTIONARIES.de) as MessageKey[];
}

describe('Du or Sie: German respondent texts', () => {
  const keys = respondentKeys();
  const sie = translator('de', 'sie');
  const du = translator('de', 'du');

  it('finds the respondent texts (a check over nothing would pass)', () => {
    expect(keys.length).to.be.greaterThan(80);
    expect(keys).to.include.members(['respond.consent.title', 'media.rec.anon_warning', 'validation.answer_required', 'mail.invitation.intro', 'errors.404.text']);
  });

  it('every respondent text that says "Sie" has its Du form, and neither form leaks into the other', () => {
    const missing: string[] = [];
    const leaks: string[] = [];
    for (const key of keys) {
      const formal = sie(key);
      const informal = du(key);
      if (addressFormsIn(formal).includes('du')) leaks.push(`Sie text uses Du: ${key} = ${formal}`);
      if (addressFormsIn(informal).includes('sie')) leaks.push(`Du text uses Sie: ${key} = ${informal}`);
      if (addressFormsIn(formal).includes('sie') && informal === formal) missing.push(key);
    }
    expect(leaks).to.deep.equal([]);
    expect(missing, 'keys without a Du form in src/shared/i18n/parts/du.ts').to.deep.equal([]);
  });

  it('the Du forms are real keys with the same placeholders, and English is not affected', () => {
    for (const [key, text] of Object.entries(INFORMAL_DE)) {
      expect(key in DICTIONARIES.de, key).to.equal(true);
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(text!), key).to.deep.equal(names(DICTIONARIES.de[key as MessageKey]));
    }
    expect(translator('en', 'du')('validation.answer_required')).to.equal(translator('en', 'sie')('validation.answer_required'));
    expect(du('validation.answer_required')).to.equal('Bitte beantworte diese Frage.');
    expect(sie('validation.answer_required')).to.equal('Bitte beantworten Sie diese Frage.');
  });

  it('invitation and reminder e-mails follow the campaign', () => {
    const p = { campaignTitle: 'Digitaler Arbeitsplatz', name: 'Alex', link: 'https://voice.example/p/x', anonymous: true, senderName: '' };
    for (const kind of ['invitation', 'reminder'] as const) {
      const informal = renderMail(kind, 'de', { ...p, address: 'du' });
      const formal = renderMail(kind, 'de', { ...p, address: 'sie' });
      expect(addressFormsIn(`${informal.subject}\n${informal.text}`), `${kind} Du`).to.deep.equal(['du']);
      expect(addressFormsIn(`${formal.subject}\n${formal.text}`), `${kind} Sie`).to.deep.equal(['sie']);
    }
    expect(renderMail('invitation', 'de', { ...p, address: 'du' }).text).to.include('Dein Projektteam');
  });
});

describe('Du or Sie: the campaign\'s own texts', () => {
  it('recognises the forms of address German uses', () => {
    const cases: Array<[string, string[]]> = [
      ['Wie arbeitest bzw. kommunizierst Du heute mit Deinen Kollegen?', ['du']],
      ['Bevor wir Intranet und Chat neu aufsetzen, fragen wir Euch: Wie arbeitet Ihr heute, und was braucht Ihr?', ['du']],
      ['Ihr seid gefragt.', ['du']],
      ['Wie sollte Ihr Arbeitsplatz der Zukunft aussehen?', ['sie']],
      ['Ihr neuer Arbeitsplatz', ['sie']],
      ['Was sind Ihrer Meinung nach die größten Herausforderungen?', ['sie']],
      ['Vier Fragen: Wie arbeiten wir heute?', []],
      ['Dudelsack, Direktor und Deinstallation', []],
    ];
    for (const [text, forms] of cases) expect(addressFormsIn(text), text).to.deep.equal(forms);
  });

  it('the template\'s questions follow the chosen form; questions a lead wrote stay as written', () => {
    const template = interviewTemplate();
    expect(template.address).to.equal('du');
    const formal = withTemplateWording({ ...template, address: 'sie' as const });
    expect(formal.questions.map((q) => q.prompt.de)).to.deep.equal([
      'Wie arbeiten bzw. kommunizieren Sie heute mit Ihren Kollegen?',
      'Was bedeutet der Begriff „digitaler Arbeitsplatz“ für Sie?',
      'Was sind Ihrer Meinung nach die größten Herausforderungen im digitalen Berufsalltag?',
      'Wie sollte Ihr Arbeitsplatz der Zukunft aussehen bzw. wie sollte Sie der „Digital Workplace“ in der täglichen Arbeit unterstützen?',
    ]);
    expect(formal.questions.map((q) => q.prompt.en)).to.deep.equal(template.questions.map((q) => q.prompt.en));
    // And back again.
    expect(withTemplateWording({ ...formal, address: 'du' as const }).questions.map((q) => q.prompt.de)).to.deep.equal(template.questions.map((q) => q.prompt.de));
    const own = withTemplateWording({ ...template, address: 'sie' as const, questions: [{ ...template.questions[0], prompt: { de: 'Was nervt Dich?', en: 'What annoys you?' } }] });
    expect(own.questions[0].prompt.de).to.equal('Was nervt Dich?');
    // The campaign page names the question that uses the other form.
    expect(addressIssues({ ...own, description: 'Wir fragen Dich.' })).to.deep.equal([{ kind: 'description' }, { kind: 'question', n: 1 }]);
    expect(addressIssues({ ...formal })).to.deep.equal([]);
  });
});
