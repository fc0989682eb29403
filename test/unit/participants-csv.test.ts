import { expect } from 'chai';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { csvSafe, decodeUtf8, IMPORT_LIMITS, parseParticipantCsv, toCsv } from '../../src/participants/participant.csv.js';
import { renderMail } from '../../src/participants/mailer/templates.js';
import { DICTIONARIES } from '../../src/shared/i18n/index.js';

describe('participant CSV import (parser)', () => {
  const campaign = interviewTemplate();

  it('when the list uses ";" with a BOM, German labels and a quoted multi-line cell, then rows map to option keys with their start lines', () => {
    const out = parseParticipantCsv('\uFEFFE-Mail;Name;Bereich;Standort\nANNA@example.com;"Anna\nMeier";Vertrieb;hamburg\n\n;Bob;Sales;Remote\n', campaign);
    expect(out.delimiter).to.equal(';');
    expect(out.errors).to.deep.equal([]);
    expect(out.rows).to.deep.equal([
      { line: 2, email: 'anna@example.com', name: 'Anna\nMeier', lang: '', segments: { department: 'sales', location: 'hamburg' } },
      { line: 5, email: '', name: 'Bob', lang: '', segments: { department: 'sales', location: 'remote' } },
    ]);
  });

  it('when rows are invalid, then each error names the line and what to fix, and those rows are left out', () => {
    const out = parseParticipantCsv('email,department,language\nnot-an-email,it,de\nok@example.com,Mars,en\nok@example.com,it,fr\nfine@example.com,IT,EN\n', campaign);
    expect(out.rows.map((r) => r.email)).to.deep.equal(['fine@example.com']);
    expect(out.rows[0].lang).to.equal('en');
    expect(out.errors.map((e) => [e.line, e.message])).to.deep.equal([
      [2, 'participants.import.error.invalid_email'],
      [3, 'participants.import.error.unknown_option'],
      [4, 'participants.import.error.invalid_lang'],
      [4, 'participants.import.error.duplicate_in_file'],
    ]);
    expect(out.errors[1].params).to.include({ value: 'Mars', column: 'department' });
  });

  it('when a quote is not closed, then the error points at the line where the broken row starts', () => {
    const out = parseParticipantCsv('email,name\na@example.com,A\n"b@example.com,B\nc@example.com,C\n', campaign);
    expect(out.rows).to.deep.equal([]);
    expect(out.errors).to.deep.equal([{ line: 3, message: 'participants.import.error.quote_not_closed' }]);
  });

  it('when the header has no known column or a column twice, then the whole list is refused', () => {
    expect(parseParticipantCsv('foo,bar\n1,2\n', campaign).errors[0].message).to.equal('participants.import.error.no_known_column');
    const dup = parseParticipantCsv('department,Bereich\nit,it\n', campaign);
    expect(dup.errors[0]).to.deep.include({ line: 1, message: 'participants.import.error.duplicate_column' });
    expect(dup.rows).to.have.length(0);
  });

  it('when the list has more than the allowed rows, then it is refused as a whole', () => {
    const body = Array.from({ length: IMPORT_LIMITS.maxRows + 1 }, (_, i) => `p${i}@example.com`).join('\n');
    const out = parseParticipantCsv(`email\n${body}\n`, campaign);
    expect(out.rows).to.have.length(0);
    expect(out.errors[0].message).to.equal('participants.import.error.too_many_rows');
  });

  it('when a file is not UTF-8, then decoding refuses it instead of garbling umlauts', () => {
    expect(decodeUtf8(Buffer.from('name\nMüller\n', 'latin1'))).to.equal(null);
    expect(decodeUtf8(Buffer.from('name\nMüller\n', 'utf8'))).to.equal('name\nMüller\n');
  });

  it('when exporting, then spreadsheet formulas are neutralised and the CSV has a BOM', () => {
    expect(csvSafe('=HYPERLINK("http://evil")')).to.equal('\'=HYPERLINK("http://evil")');
    expect(csvSafe('Anna')).to.equal('Anna');
    const csv = toCsv([{ label: 'name', value: 'name' }], [{ name: '@SUM(A1)' }]);
    expect(csv.startsWith('\uFEFF"name"')).to.equal(true);
    expect(csv).to.include(`"'@SUM(A1)"`);
  });

  it('every message key an import error can carry exists in both languages', () => {
    const keys = Object.keys(DICTIONARIES.de).filter((k) => k.startsWith('participants.import.error.'));
    expect(keys.length).to.be.greaterThan(10);
    for (const k of keys) expect(DICTIONARIES.en).to.have.property(k);
  });
});

describe('invitation e-mail templates', () => {
  it('when rendered in German and English, then subject, link and escaped values are in both parts', () => {
    const p = { campaignTitle: 'Arbeitsplatz <2027>', name: 'Anna "A" <b>', link: 'https://voice.example.com/p/abc', anonymous: true, senderName: 'Team & Co' };
    const de = renderMail('invitation', 'de', p);
    expect(de.subject).to.equal('Ihre Meinung ist gefragt: Arbeitsplatz <2027>');
    expect(de.text).to.include('https://voice.example.com/p/abc');
    expect(de.html).to.include('Anna &quot;A&quot; &lt;b&gt;');
    expect(de.html).to.include('Team &amp; Co');
    expect(de.html).not.to.include('<b>');
    const en = renderMail('reminder', 'en', { ...p, anonymous: false });
    expect(en.subject).to.equal('Reminder: Arbeitsplatz <2027>');
    expect(en.text).to.include('linked to you');
  });

  it('when a title contains line breaks, then the subject stays one line', () => {
    expect(renderMail('invitation', 'en', { campaignTitle: 'A\r\nBcc: x@evil', name: '', link: 'l', anonymous: true, senderName: '' }).subject).to.equal('Your view matters: A Bcc: x@evil');
  });
});
