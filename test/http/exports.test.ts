import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApiToken } from '../../src/auth/auth.service.js';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { changeStatus, createCampaign, setMember } from '../../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { answersExport } from '../../src/exports/export.service.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { ExportCodeIndexModel } from '../../src/analysis-runs/code-index.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { apiAuth, staffClient, testApp } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';
import { csvText, neutraliseFormula } from '../../src/exports/csv.js';
import { dangerousCells, parseCsv } from './exports.fixtures.js';
import { FORMULA_PAYLOADS, LONE_VOICE, reportCampaign, TRICKY_TEXT, type ReportFixture } from './report.fixtures.js';

type Client = Awaited<ReturnType<typeof staffClient>>;

/** Binary body (Buffer) whatever the content type, so BOM and line endings can be checked. */
function raw(client: Client, url: string) {
  return client.agent
    .get(url)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
}

describe('exports (issue 6, item 5)', function () {
  this.timeout(60_000);
  useTestDb('exports');
  const app = testApp();
  let lead: Client;
  let fixture: ReportFixture;
  let base: string;
  let responseIds: string[];

  before(async () => {
    lead = await staffClient(app, 'lead');
    fixture = await reportCampaign(lead.user.id);
    base = `/lead/campaigns/${String(fixture.campaign._id)}/exports`;
    responseIds = (await ResponseModel.find({ campaignId: fixture.campaign._id }, { _id: 1 }).lean()).map((r) => String(r._id));
  });

  describe('answers CSV', () => {
    it('standard: UTF-8 without BOM, commas, LF, one row per answer with codes, themes and challenge types, streamed', async () => {
      const res = await raw(lead, `${base}/answers.csv?lang=en`).expect(200);
      expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).to.match(/^attachment; filename="[a-z0-9-]+-answers\.csv"$/);
      expect(res.headers['cache-control']).to.equal('no-store');
      expect(res.headers['transfer-encoding'], 'streamed, not buffered').to.equal('chunked');
      const body = res.body as Buffer;
      expect(body.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'no BOM').to.equal(false);
      const text = body.toString('utf8');
      expect(text).not.to.include('\r\n');
      const rows = parseCsv(text, ',');
      const header = rows[0];
      expect(header).to.include.members(['Person (pseudonym)', 'Question', 'Answer', 'Channels', 'Themes', 'Challenge type', 'Desired features', 'Emergent theme', 'Department', 'Location']);
      expect(header).not.to.include('Participant');
      expect(rows.length - 1, 'one row per answer').to.equal(56);
      const col = (name: string) => header.indexOf(name);
      const q3 = rows.slice(1).filter((r) => r[col('Question')] === 'q3');
      expect(q3.length).to.equal(14);
      expect(q3.every((r) => ['technical', 'cultural', ''].includes(r[col('Challenge type')]))).to.equal(true);
      expect(q3.some((r) => r[col('Challenge type')] !== ''), 'some challenge typed').to.equal(true);
      const q1 = rows.slice(1).filter((r) => r[col('Question')] === 'q1');
      expect(q1.some((r) => /E-mail/i.test(r[col('Channels')])), 'channels coded').to.equal(true);
      expect(rows.slice(1).some((r) => r[col('Code ids')] !== '')).to.equal(true);
      // The CSV-tricky text round-trips exactly (quotes, semicolons, commas, line break, umlauts, emoji).
      expect(rows.slice(1).map((r) => r[col('Answer')])).to.include(TRICKY_TEXT);
    });

    it('neutraliseFormula: a leading = + - @ tab or CR gets an apostrophe, nothing else changes', () => {
      for (const p of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x";"y")']) expect(neutraliseFormula(p)).to.equal(`'${p}`);
      for (const p of ['1+1', 'a=b', ' =1', '', 'Über', '„=“']) expect(neutraliseFormula(p)).to.equal(p);
      expect(csvText('-2+3 "x"')).to.equal(`"'-2+3 ""x"""`);
    });

    it('every formula payload is neutralised, in answers and in headers/titles', async () => {
      const text = (await raw(lead, `${base}/answers.csv?lang=de`).expect(200)).body.toString('utf8') as string;
      const rows = parseCsv(text, ',');
      expect(dangerousCells(rows)).to.deep.equal([]);
      const answers = rows.slice(1).map((r) => r[rows[0].indexOf('Antwort')]);
      // What was stored (the app trims surrounding whitespace) comes out with an apostrophe in front.
      const stored = (await ResponseModel.find({ campaignId: fixture.campaign._id }).lean())
        .flatMap((r) => Object.values(r.answers as unknown as Record<string, { text: string }>).map((a) => a.text))
        .filter((t) => /^[=+\-@\t\r]/.test(t));
      expect(stored.length, 'formula payloads stored').to.be.greaterThan(3);
      for (const t of stored) expect(answers, JSON.stringify(t)).to.include(`'${t}`);
      expect(FORMULA_PAYLOADS.filter((p) => answers.some((a) => a.includes(p.trim()))).length).to.be.greaterThan(3);
    });

    it('anonymity: no identity, no response ids, and values the anonymity plan does not offer become "other"', async () => {
      const text = (await raw(lead, `${base}/answers.csv?lang=de`).expect(200)).body.toString('utf8') as string;
      for (const id of responseIds) expect(text).not.to.include(id);
      expect(text).not.to.include('Personal"');
      expect(text).not.to.include('München');
      expect(text).not.to.include('Führungskraft');
      const rows = parseCsv(text, ',');
      const h = rows[0];
      const lone = rows.find((r) => r[h.indexOf('Antwort')] === LONE_VOICE)!;
      expect(lone, 'the lone voice is exported').to.not.equal(undefined);
      expect([lone[h.indexOf('Bereich')], lone[h.indexOf('Standort')], lone[h.indexOf('Funktion')]]).to.deep.equal(['Sonstige', 'Sonstige', 'Sonstige']);
      // The anonymity plan (src/shared/anonymity.ts) offers IT (7) and the role of the 7 IT
      // people; Sales (6) is not offered — "everyone but IT and Sales" would be the one HR person
      // — nor Hamburg (13: "everyone but Hamburg" is that person again). Values that are not
      // offered read "other" on every row; the offered ones stay on every row of their people.
      const count = (col: string, v: string) => rows.filter((r) => r[h.indexOf(col)] === v).length;
      expect(count('Bereich', 'IT')).to.equal(7 * 4);
      expect(count('Funktion', 'Mitarbeiter/in')).to.equal(7 * 4);
      expect(count('Bereich', 'Vertrieb')).to.equal(0);
      expect(count('Standort', 'Hamburg')).to.equal(0);
      expect(count('Bereich', 'Sonstige')).to.equal(7 * 4);
      // Pseudonyms are stable across exports (answers can be joined) and not response ids.
      const again = parseCsv((await raw(lead, `${base}/answers.csv?lang=de`).expect(200)).body.toString('utf8') as string, ',');
      expect(again.map((r) => r[0])).to.deep.equal(rows.map((r) => r[0]));
      expect(rows[1][0]).to.match(/^R-[A-Za-z0-9_-]{12}$/);
    });

    it('Excel (German) variant: BOM, semicolons, CRLF records, decimal commas, same cells', async () => {
      const res = await raw(lead, `${base}/answers.csv?variant=excel-de&lang=de`).expect(200);
      expect(res.headers['content-disposition']).to.match(/-answers-excel-de\.csv"$/);
      const body = res.body as Buffer;
      expect([...body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const text = body.subarray(3).toString('utf8');
      const firstLine = text.slice(0, text.indexOf('\r\n'));
      expect(firstLine.startsWith('"Person (Pseudonym)";"Frage";')).to.equal(true);
      // Every record ends with CRLF; the only bare LFs are inside quoted cells (line breaks in answers).
      const rows = parseCsv(text, ';');
      expect(text.split('\r\n').length - 1, 'CRLF between records').to.equal(rows.length - 1);
      expect(/(^|[^\r])\n/.test(text.replace(/"(?:[^"]|"")*"/g, '')), 'no bare LF outside quoted cells').to.equal(false);
      expect(rows.length - 1).to.equal(56);
      expect(dangerousCells(rows)).to.deep.equal([]);
      expect(rows.slice(1).map((r) => r[rows[0].indexOf('Antwort')])).to.include(TRICKY_TEXT);
      const conf = rows.slice(1).map((r) => r[rows[0].indexOf('Sicherheit (Art)')]).filter(Boolean);
      expect(conf.length).to.be.greaterThan(0);
      expect(conf.every((c) => /^[01](,\d+)?$/.test(c)), conf.join(' | ')).to.equal(true);
      const standard = parseCsv((await raw(lead, `${base}/answers.csv?lang=de`).expect(200)).body.toString('utf8') as string, ',');
      expect(rows.map((r) => r[rows[0].indexOf('Antwort')])).to.deep.equal(standard.map((r) => r[standard[0].indexOf('Antwort')]));
    });

    it('identified campaigns name the participant column; answers of a campaign without analysis still export', async () => {
      const identified = await reportCampaign(lead.user.id, { analyse: false, anonymity: 'identified' });
      const text = (await raw(lead, `/lead/campaigns/${String(identified.campaign._id)}/exports/answers.csv?lang=en`).expect(200)).body.toString('utf8') as string;
      const rows = parseCsv(text, ',');
      expect(rows[0]).to.include('Participant');
      expect(rows[0]).to.include('Submitted');
      expect(rows.length - 1).to.equal(56);
      // Identified: segment values are shown as they are.
      expect(text).to.include('Munich');
      expect(rows.slice(1).every((r) => r[rows[0].indexOf('Themes')] === '')).to.equal(true);
      await lead.get(`/lead/campaigns/${String(identified.campaign._id)}/exports/requirements.csv`).expect(409);
    });
  });

  describe('a client that leaves mid-export', () => {
    it('ends the export cleanly: no crash from a held-back row still being written, the temporary file removed', async () => {
      const input = campaignInputSchema.parse({ ...interviewTemplate(), title: 'Leaves early' });
      const campaign = await changeStatus(String((await createCampaign(input, { ownerId: lead.user.id }))._id), 'open');
      const answers = { q1: 'Per Mail.', q2: 'Alles an einem Ort.', q3: 'Zu viele Tools.', q4: 'Eine Suche.' };
      const departments = ['sales', 'operations', 'it', 'hr', 'finance', 'customer_service', 'warehouse', 'management'];
      // First 8 people alone in their group (held back in the temporary file), then 70 in one group
      // (256 rows leave as the first batch while the held-back writes are still under way).
      for (let i = 0; i < 78; i++) {
        const segments = i < 8 ? { department: departments[i], location: 'remote', role: 'apprentice' } : { department: 'it', location: 'hamburg', role: 'employee' };
        await createFromApi(campaign, { submissionId: `leave-${String(i).padStart(4, '0')}`, lang: 'de', answers, segments });
      }
      const exportDirs = async () => (await readdir(tmpdir())).filter((d) => d.startsWith('wv-export-'));
      const before = await exportDirs();
      const { rows } = await answersExport({ campaign, lang: 'en', secret: 'test secret', run: null });
      const iterator = rows[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.done).to.equal(false);
      expect(first.value?.length, 'a first batch of rows').to.be.at.least(256);
      const ours = (await exportDirs()).filter((d) => !before.includes(d));
      expect(ours.length, 'the held-back file exists during the export').to.equal(1);
      // As streamCsv does when the response closes: leave the loop, which ends the generator. Its
      // `finally` (destroy the file stream, remove the folder) has run when return() resolves.
      await iterator.return?.(undefined);
      expect((await exportDirs()).filter((d) => ours.includes(d)), 'temporary file removed').to.deep.equal([]);
    });
  });

  describe('export code index', () => {
    it('a run without an index (older runs) still exports its codes; the index is built once and kept', async () => {
      await ExportCodeIndexModel.deleteOne({ _id: new mongoose.Types.ObjectId(fixture.runId) });
      const rows = parseCsv((await raw(lead, `${base}/answers.csv?lang=en`).expect(200)).body.toString('utf8') as string, ',');
      expect(rows.slice(1).some((r) => r[rows[0].indexOf('Code ids')] !== '')).to.equal(true);
      const rebuilt = await ExportCodeIndexModel.findById(fixture.runId).lean<{ answers: number }>();
      expect(rebuilt?.answers).to.equal(56);
    });
  });

  describe('requirements CSV', () => {
    it('one row per requirement in MoSCoW order with evidence quotes, anonymity applied, formulas neutralised', async () => {
      const text = (await raw(lead, `${base}/requirements.csv?lang=en`).expect(200)).body.toString('utf8') as string;
      const rows = parseCsv(text, ',');
      expect(rows[0]).to.deep.equal(['Priority', 'Requirement', 'Kind', 'Source', 'Code', 'People', 'Share', 'Affected groups', 'Evidence (quotes)', 'Owner', 'Target date']);
      expect(rows.length).to.be.greaterThan(2);
      const order = ['Must', 'Should', 'Could', 'Not now'];
      const priorities = rows.slice(1).map((r) => order.indexOf(r[0]));
      expect(priorities.every((p) => p >= 0)).to.equal(true);
      expect([...priorities].sort((a, b) => a - b)).to.deep.equal(priorities);
      expect(rows.slice(1).some((r) => r[8].includes('„'))).to.equal(true);
      expect(text).not.to.match(/HR \(\d+\)|Munich \(\d+\)|Manager \(\d+\)/);
      expect(text).not.to.match(/— [^"\n]*(HR|Munich|Manager)/);
      expect(dangerousCells(rows)).to.deep.equal([]);
      const de = await raw(lead, `${base}/requirements.csv?variant=excel-de&lang=de`).expect(200);
      expect([...(de.body as Buffer).subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const deRows = parseCsv((de.body as Buffer).subarray(3).toString('utf8'), ';');
      expect(deRows[0][0]).to.equal('Priorität');
      expect(deRows.slice(1).every((r) => /^\d(,\d+)?$/.test(r[6]))).to.equal(true);
    });
  });

  describe('analysis JSON', () => {
    it('the whole analysis, streamed, pseudonymised, with small groups merged away', async () => {
      const res = await lead.get(`${base}/analysis.json`).expect(200);
      expect(res.headers['content-type']).to.equal('application/json; charset=utf-8');
      expect(res.headers['content-disposition']).to.match(/-analysis\.json"$/);
      const text = res.text;
      for (const id of responseIds) expect(text).not.to.include(id);
      const doc = JSON.parse(text) as {
        format: string;
        campaign: { minGroupSize: number };
        answers: Array<{ id: string; respondent?: string; role: string }>;
        requirements: Array<{ segments: string[]; evidence: Array<{ id: string }> }>;
        clusters: unknown[];
        summary: { answers: number; challengeBalanceBySegment: Record<string, Record<string, unknown>> };
      };
      expect(doc.format).to.equal('workplace-voice.analysis/1');
      expect(doc.answers).to.have.length(56);
      expect(doc.summary.answers).to.equal(56);
      expect(doc.answers[0].id).to.match(/^R-[A-Za-z0-9_-]{12}:q\d$/);
      expect(doc.requirements.length).to.be.greaterThan(0);
      const segs = doc.requirements.flatMap((r) => r.segments);
      expect(segs.some((s) => /=(hr|munich|manager)$/.test(s)), segs.join(' ')).to.equal(false);
      const bySeg = doc.summary.challengeBalanceBySegment;
      expect(Object.keys(bySeg.department ?? {})).not.to.include('hr');
      expect(Object.keys(bySeg.location ?? {})).not.to.include('munich');
      // The answers CSV and the JSON use the same pseudonyms.
      const csv = parseCsv((await raw(lead, `${base}/answers.csv`).expect(200)).body.toString('utf8') as string, ',');
      expect(new Set(csv.slice(1).map((r) => r[0]))).to.deep.equal(new Set(doc.answers.map((a) => a.respondent)));
    });
  });

  describe('report Markdown', () => {
    it('the report as Markdown in German and English, escaped, anonymity applied', async () => {
      const de = await lead.get(`${base}/report.md?lang=de`).expect(200);
      expect(de.headers['content-type']).to.equal('text/markdown; charset=utf-8');
      expect(de.text).to.match(/^# Anforderungsbericht: /);
      for (const h of ['## Zusammenfassung', '## Bereitschaft für den Rollout', '## Anforderungen nach Priorität (MoSCoW)', '## Kanäle heute', '## Methode']) expect(de.text).to.include(h);
      expect(de.text).to.include('dwp-1');
      expect(de.text).not.to.match(/Personal \(\d+\)|München \(\d+\)/);
      expect(de.text).not.to.include('<script>');
      const en = await lead.get(`${base}/report.md?lang=en`).expect(200);
      expect(en.text).to.match(/^# Requirements report: /);
      // The campaign title's special characters are escaped, not interpreted.
      expect(en.text.split('\n')[0]).to.include('Nordlicht');
    });
  });

  describe('access', () => {
    it('the exports page links every export; stakeholders, strangers and anonymous visitors get none', async () => {
      const page = await lead.get(`${base}?lang=en`).expect(200);
      for (const href of ['answers.csv', 'answers.csv?variant=excel-de', 'requirements.csv', 'analysis.json', 'report.md']) expect(page.text).to.include(href);
      const show = await lead.get(`/lead/campaigns/${String(fixture.campaign._id)}`).expect(200);
      expect(show.text).to.include(`/lead/campaigns/${String(fixture.campaign._id)}/exports`);
      expect(show.text).to.include(`/lead/campaigns/${String(fixture.campaign._id)}/report`);

      const stakeholder = await staffClient(app, 'stakeholder');
      await setMember(String(fixture.campaign._id), new mongoose.Types.ObjectId(stakeholder.user.id), 'stakeholder', true);
      for (const path of ['', '/answers.csv', '/requirements.csv', '/analysis.json', '/report.md']) await stakeholder.get(`${base}${path}`).expect(404);
      const stranger = await staffClient(app, 'lead');
      await stranger.get(`${base}/answers.csv`).expect(404);
      await request(app).get(`${base}/answers.csv`).expect(303);
      await request(app).get(`${base}/analysis.json`).set('Accept', 'application/json').expect(401);
    });

    it('scripts download exports with the lead\'s API token (Bearer); other tokens get 404', async () => {
      const { token } = await createApiToken(lead.user.id, 'export script');
      const res = await request(app).get(`${base}/answers.csv?variant=excel-de`).set('Authorization', `Bearer ${token}`).expect(200);
      expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
      await request(app).get(`${base}/analysis.json`).set('Authorization', `Bearer ${token}`).expect(200);
      const other = await apiAuth('lead');
      await request(app).get(`${base}/answers.csv`).set('Authorization', other.header).expect(404);
    });

    it('an unknown variant is a 400 that says which ones exist', async () => {
      const res = await lead.get(`${base}/answers.csv?variant=xlsx`).set('Accept', 'application/json').expect(400);
      expect(JSON.stringify(res.body)).to.include('excel-de');
    });
  });
});
