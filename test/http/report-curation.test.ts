import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { BoardCorrectionModel } from '../../src/board/board-correction.model.js';
import { setMember } from '../../src/campaigns/campaign.service.js';
import { ReportCurationModel } from '../../src/reports/report-curation.model.js';
import { eraseResponsesFromCuration } from '../../src/reports/report-curation.service.js';
import { evidenceKey } from '../../src/reports/report-curation.js';
import { createShare } from '../../src/reports/report-share.service.js';
import { staffClient, testApp } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';
import { DE_Q3_EVIDENCE, EN_Q3_EVIDENCE, resultFor, storeRun, storedRunCampaign, type StoredRunFixture } from './report-curation.fixtures.js';

type Client = Awaited<ReturnType<typeof staffClient>>;

/** The HTML of one requirement's block (up to the next one). */
function block(html: string, id: string): string {
  const start = html.indexOf(`data-requirement="${id}"`);
  if (start < 0) return '';
  const next = html.indexOf('data-requirement="', start + 10);
  return html.slice(start, next < 0 ? undefined : next);
}

/** What a reader sees: the report's text without tags (whitespace normalised). */
function text(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

const keyOf = (f: StoredRunFixture, req: string, quote: string, respondent: number) => {
  const e = f.result.requirements.find((r) => r.id === req)!.evidence.find((x) => x.quote === quote && x.id.startsWith(f.responseIds[respondent]))!;
  return evidenceKey(e);
};

describe('report: curation, concise wording, languages, evidence links (issue 14)', function () {
  this.timeout(60_000);
  useTestDb('report_curation');
  const app = testApp();
  let lead: Client;
  let stakeholder: Client;

  before(async () => {
    lead = await staffClient(app, 'lead');
    stakeholder = await staffClient(app, 'stakeholder');
  });

  async function campaign(contract: 'need' | 'code' = 'need') {
    const f = await storedRunCampaign(lead.user.id, contract);
    await setMember(String(f.campaign._id), new mongoose.Types.ObjectId(stakeholder.user.id), 'stakeholder', true);
    return { f, base: `/lead/campaigns/${String(f.campaign._id)}/report` };
  }

  it('renders the newer contract: title, rationale, acceptance criteria, problem/wish counts, code tags, quotes by confidence marked with their language', async () => {
    const { f, base } = await campaign();
    const html = (await lead.get(`${base}?lang=de`).expect(200)).text;
    const find = block(html, 'need-findability');
    expect(find).to.include('Dokumente aus allen vier Systemen mit einer Suche finden');
    expect(find).to.include('12 nennen es als Problem, 14 als Wunsch.');
    expect(find).to.include('12 als Problem, 14 als Wunsch');
    expect(find).to.include('Abnahmekriterien');
    expect(find).to.include('Ein Dokument aus jedem der 4 genannten Systeme ist mit einer Suche zu finden.');
    expect(find).to.match(/class="req-codes">[^<]*,[^<]*</);
    // Ranked by confidence, the same words once; a must shows three, the fourth waits for the lead.
    const shown = find.slice(0, find.indexOf('more-quotes'));
    const order = [DE_Q3_EVIDENCE, EN_Q3_EVIDENCE, 'Eine Suche über alle Systeme, die auch Anhänge findet.'].map((q) => shown.indexOf(q));
    expect(order.every((i) => i > 0), String(order)).to.equal(true);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
    expect(shown.split(DE_Q3_EVIDENCE).length - 1).to.equal(1);
    expect(find.slice(find.indexOf('more-quotes'))).to.include('One search box for everything, including Confluence.');
    // The English quote keeps its words, carries lang="en" and says so in a German report.
    expect(shown).to.match(new RegExp(`<blockquote lang="en"><p>„${EN_Q3_EVIDENCE}“</p></blockquote>\\s*<p class="quote-by">— [^<]*auf Englisch</p>`));
    const en = (await lead.get(`${base}?lang=en`).expect(200)).text;
    expect(block(en, 'need-findability')).to.match(new RegExp(`<blockquote lang="de"><p>“${DE_Q3_EVIDENCE}”</p></blockquote>\\s*<p class="quote-by">— [^<]*in German</p>`));
    expect(block(en, 'need-findability')).to.include('Find documents from all four systems in one search');
    // Leads: each quote links to its answer; the recorded one to the second where it is said.
    const responses = `/lead/campaigns/${String(f.campaign._id)}/responses`;
    expect(find).to.include(`href="${responses}/${f.responseIds[2]}?q=q3&amp;t=2.5#answer-q3"`);
    expect(find).to.include(`href="${responses}/${f.responseIds[8]}?q=q3#answer-q3"`);
    await lead.get(`${responses}/${f.responseIds[2]}?q=q3&t=2.5`).expect(200);
  });

  it('concise and correct: singular and plural in German and English, the readiness statement and the anonymity note once', async () => {
    const { base } = await campaign();
    const de = text((await stakeholder.get(`${base}?lang=de`).expect(200)).text);
    for (const s of ['14 Personen haben 56 Antworten gegeben.', 'Daraus ergeben sich 3 Anforderungen: 1 Muss, 1 Soll, 1 Kann, 0 Nicht jetzt.', '1 Person (7 %)', '14 Personen (100 %)', 'Antworten: 56 von 14 Personen', 'Anteil von 14 Personen', '0 als Problem, 1 als Wunsch'])
      expect(de, s).to.include(s);
    expect(de).not.to.match(/\b1 Personen\b|Person\(en\)|\w\((en|n|s)\)/);
    expect(de.split('Technik zuerst: die Hindernisse sind vor allem technisch.').length - 1, 'readiness statement').to.equal(1);
    expect(de.split('ausgeblendet (Anonymitätsschutz)').length - 1, 'anonymity note per section at most').to.be.at.most(2);
    const en = text((await stakeholder.get(`${base}?lang=en`).expect(200)).text);
    for (const s of ['14 people gave 56 answers.', 'They lead to 3 requirements: 1 must, 1 should, 1 could, 0 not now.', '1 person (7%)', '14 people (100%)', 'Answers: 56 from 14 people', 'share of 14 people', '0 as a problem, 1 as a wish'])
      expect(en, s).to.include(s);
    expect(en).not.to.match(/\b1 people\b|person\(s\)|\w\((s|es)\)/);
    expect(en.split('Technology first: the obstacles are mostly technical.').length - 1).to.equal(1);
    // Nothing curated yet: the method says so.
    expect(en).to.include('Curated by the project lead nothing – the report shows the analysis as generated');
  });

  it('a lead curates: pin, hide, rename, merge, priority with a reason, owner and date, own summary — one document with its history; readers see the result', async () => {
    const { f, base } = await campaign();
    const find = 'need-findability';
    const pinKey = keyOf(f, find, 'One search box for everything, including Confluence.', 9);
    const hideKey = keyOf(f, find, EN_Q3_EVIDENCE, 8);
    const hideKey2 = keyOf(f, find, 'Eine Suche über alle Systeme, die auch Anhänge findet.', 1);
    const post = (path: string, form: Record<string, string>) => lead.post(`${base}/${path}?lang=de`).type('form').send(form);

    let res = await post(`requirements/${find}/evidence`, { key: pinKey, state: 'pin' }).expect(303);
    expect(res.headers.location).to.equal(`${base}?lang=de&done=pin#req-${find}`);
    await post(`requirements/${find}/evidence`, { key: hideKey, state: 'hide' }).expect(303);
    await post(`requirements/${find}/evidence`, { key: hideKey2, state: 'hide' }).expect(303);
    await post(`requirements/${find}/title`, { title_de: 'Eine Suche für SharePoint, Confluence und Laufwerke', title_en: 'One search for SharePoint, Confluence and shares' }).expect(303);
    await post(`requirements/need-sync/merge`, { into: 'need-skills' }).expect(303);
    // A changed priority needs a reason; the form says so and nothing is stored.
    res = await post('requirements/need-skills/priority', { priority: 'must', reason: '' }).expect(400);
    expect(res.text).to.include('Bitte begründen Sie die geänderte Priorität');
    expect(res.text).to.include('aria-invalid="true"');
    await post('requirements/need-skills/priority', { priority: 'must', reason: 'Ohne Schulung scheitert der Rollout.' }).expect(303);
    res = await post(`requirements/${find}/plan`, { owner: 'Team Suche', due: '2027-02-30' }).expect(400);
    expect(res.text).to.include('Bitte ein gültiges Datum angeben');
    await post(`requirements/${find}/plan`, { owner: 'Team Suche', due: '2027-06-30' }).expect(303);
    await post('summary', { summary_de: 'Die Suche ist das größte Problem.\n\nZuerst bauen wir sie.', summary_en: '' }).expect(303);
    // No circles: need-skills cannot go into need-sync, which already went into need-skills.
    res = await post('requirements/need-skills/merge', { into: 'need-sync' }).expect(400);
    expect(res.text).to.include('erst dort trennen');
    await post('requirements/need-nope/title', { title_de: 'x', title_en: 'x' }).expect(404);
    await post(`requirements/${find}/evidence`, { key: 'nope:q3@1', state: 'pin' }).expect(404);

    // One document, every change with who and when.
    const docs = await ReportCurationModel.collection.find({ _id: f.campaign._id } as never).toArray();
    expect(docs).to.have.length(1);
    const history = (docs[0] as unknown as { history: Array<{ action: string; byName: string; at: Date }> }).history;
    expect(history.map((h) => h.action)).to.deep.equal(['pin', 'hide', 'hide', 'rename', 'merge', 'priority', 'plan', 'summary']);
    for (const h of history) {
      expect(h.byName).to.equal(lead.user.name);
      expect(h.at).to.be.instanceOf(Date);
    }

    // The stakeholder reads the curated report: no forms, no hidden quotes, no links to answers.
    const html = (await stakeholder.get(`${base}?lang=de`).expect(200)).text;
    const b = block(html, find);
    expect(b).to.include('Eine Suche für SharePoint, Confluence und Laufwerke');
    expect(b).not.to.include(EN_Q3_EVIDENCE);
    expect(b).not.to.include('Eine Suche über alle Systeme, die auch Anhänge findet.');
    expect(b.indexOf('One search box for everything')).to.be.lessThan(b.indexOf(DE_Q3_EVIDENCE));
    expect(b).to.include('Verantwortlich: Team Suche · Zieltermin: 30. Juni 2027');
    expect(b).not.to.include('/responses/');
    expect(html).not.to.include('data-curate=');
    expect(html).not.to.include('/report/requirements/');
    expect(html).not.to.include('Weitere Zitate');
    const skills = block(html, 'need-skills');
    expect(skills).to.include('Priorität von der Projektleitung festgelegt (Analyse: Soll). Begründung: Ohne Schulung scheitert der Rollout.');
    expect(skills).to.include('Zusammengeführt mit: „Offline arbeiten und später synchronisieren“');
    expect(skills).to.include('Offline sync on the train would be nice.');
    expect(block(html, 'need-sync')).to.equal('');
    expect(html).to.include('<p>Die Suche ist das größte Problem.</p><p>Zuerst bauen wir sie.</p>');
    expect(html).to.match(/data-plan>[\s\S]*Team Suche[\s\S]*30\. Juni 2027/);
    const de = text(html);
    expect(de).to.include(
      'Von der Projektleitung bearbeitet Zusammenfassung selbst verfasst, 1 Anforderung umbenannt, 1 Anforderung mit einer anderen zusammengeführt, 1 Priorität mit Begründung geändert, 1 Zitat angeheftet, 2 Zitate ausgeblendet, 1 Eintrag im Maßnahmenplan',
    );
    // The merged need counts its people once: skills (4 people) and sync (1, also among them).
    expect(skills).to.include('4 Personen (29 %)');
    const en = text((await stakeholder.get(`${base}?lang=en`).expect(200)).text);
    expect(en).to.include('summary written by the lead, 1 requirement renamed, 1 requirement merged into another, 1 priority changed with a reason, 1 quote pinned, 2 quotes hidden, 1 action plan entry');
    // Only a German summary was written: the English report shows it, marked as German.
    expect((await stakeholder.get(`${base}?lang=en`).expect(200)).text).to.include('data-lead-summary lang="de"');

    // Markdown and CSV say the same.
    const md = (await stakeholder.get(`${base}/markdown?lang=de`).expect(200)).text;
    expect(md).to.include('#### Eine Suche für SharePoint, Confluence und Laufwerke');
    expect(md).not.to.include(EN_Q3_EVIDENCE);
    expect(md).to.include('Verantwortlich: Team Suche · Zieltermin: 30. Juni 2027');
    const csv = (await lead.get(`/lead/campaigns/${String(f.campaign._id)}/exports/requirements.csv?lang=en`).expect(200)).text;
    expect(csv).to.include('One search for SharePoint, Confluence and shares');
    expect(csv).to.include('Team Suche');
    expect(csv).not.to.include(EN_Q3_EVIDENCE);

    // The lead sees the history, the hidden quotes (to show again) and the original title.
    const mine = (await lead.get(`${base}?lang=de`).expect(200)).text;
    expect(mine.match(/data-history-action="/g)).to.have.length(8);
    expect(mine).to.include(`„Offline arbeiten und später synchronisieren“ zusammengeführt mit „Schulung in kleinen Einheiten“`);
    expect(block(mine, find)).to.include('Titel der Analyse: Dokumente aus allen vier Systemen mit einer Suche finden');
    expect(block(mine, find)).to.include(EN_Q3_EVIDENCE);
  });

  it('deny by default: stakeholders, share links and other leads cannot curate; a form without its CSRF token is refused', async () => {
    const { f, base } = await campaign();
    const forms: Array<[string, Record<string, string>]> = [
      ['summary', { summary_de: 'x', summary_en: '' }],
      ['requirements/need-findability/title', { title_de: 'x', title_en: 'y' }],
      ['requirements/need-findability/priority', { priority: 'wont', reason: 'weil' }],
      ['requirements/need-findability/plan', { owner: 'x', due: '' }],
      ['requirements/need-sync/merge', { into: 'need-skills' }],
      ['requirements/need-sync/unmerge', {}],
      ['requirements/need-findability/evidence', { key: keyOf(f, 'need-findability', DE_Q3_EVIDENCE, 2), state: 'hide' }],
      ['requirements/need-gone/forget', {}],
    ];
    const other = await staffClient(app, 'lead');
    for (const [path, form] of forms) {
      await stakeholder.post(`${base}/${path}`).type('form').send(form).expect(404);
      await other.post(`${base}/${path}`).type('form').send(form).expect(404);
      await lead.agent.post(`${base}/${path}`).type('form').send(form).expect(403);
      // Signed out: refused (the CSRF check answers before the sign-in check).
      expect([401, 403]).to.include((await request(app).post(`${base}/${path}`).type('form').send(form)).status);
    }
    // Share links: GET only, nothing to post to.
    const { token } = await createShare(f.campaign._id as mongoose.Types.ObjectId, { label: 'x', days: 1 }, lead.user.id);
    const visitor = request.agent(app);
    const location = String((await visitor.get(`/share/${token}`).expect(303)).headers.location);
    const page = (await visitor.get(`${location}?lang=de`).expect(200)).text;
    expect(page).not.to.include('<form');
    expect(page).not.to.include('/responses/');
    // (No route takes a POST there; without a staff session the CSRF check refuses it first.)
    for (const [path, form] of forms) expect([403, 404]).to.include((await visitor.post(`${location}/${path}`).type('form').send(form)).status);
    expect(await ReportCurationModel.countDocuments({ _id: f.campaign._id })).to.equal(0);
  });

  it('a new run keeps the curation wherever the requirement or quote still exists, and shows what no longer applies instead of losing it', async () => {
    const { f, base } = await campaign();
    const post = (path: string, form: Record<string, string>) => lead.post(`${base}/${path}?lang=en`).type('form').send(form).expect(303);
    const pinned = keyOf(f, 'need-findability', DE_Q3_EVIDENCE, 2);
    await post('requirements/need-findability/evidence', { key: pinned, state: 'pin' });
    await post('requirements/need-findability/plan', { owner: 'Search team', due: '' });
    await post('requirements/need-sync/title', { title_de: 'Offline zuerst', title_en: 'Offline first' });

    // The next run: the video answer's transcript was corrected (the sentence moved) and nobody
    // asks for sync any more.
    const next = resultFor(f.responseIds, 'need');
    next.requirements = next.requirements.filter((r) => r.id !== 'need-sync');
    const findability = next.requirements.find((r) => r.id === 'need-findability')!;
    findability.evidence = findability.evidence.map((e) => (e.id === `${f.responseIds[2]}:q3` ? { ...e, start: (e.start ?? 0) + 4, end: (e.end ?? 0) + 4 } : e));
    await storeRun(f.campaign._id as mongoose.Types.ObjectId, next);

    const html = (await lead.get(`${base}?lang=en`).expect(200)).text;
    expect(block(html, 'need-findability')).to.include('Owner: Search team');
    expect(block(html, 'need-findability')).to.include('1 curated quote is no longer in the analysis.');
    expect(html).to.match(/data-stale>[\s\S]*Offline first \(need-sync\)/);
    const readers = (await stakeholder.get(`${base}?lang=en`).expect(200)).text;
    expect(readers).not.to.include('Offline first');
    expect(readers).not.to.include('no longer in the analysis');
    expect(readers).to.include('Owner: Search team');

    // The curation comes back with the requirement; "Discard" deletes it for good.
    await storeRun(f.campaign._id as mongoose.Types.ObjectId, resultFor(f.responseIds, 'need'));
    expect(block((await stakeholder.get(`${base}?lang=en`).expect(200)).text, 'need-sync')).to.include('Offline first');
    await storeRun(f.campaign._id as mongoose.Types.ObjectId, next);
    await post('requirements/need-sync/forget', {});
    const after = (await lead.get(`${base}?lang=en`).expect(200)).text;
    expect(after).not.to.include('data-stale>');
    expect(after).to.include('Curation of &#34;Offline first&#34; discarded');
  });

  it('older stored runs (one requirement per code, quotes without offsets) render and can be curated by a hash of the quote', async () => {
    const { f, base } = await campaign('code');
    const html = (await lead.get(`${base}?lang=de`).expect(200)).text;
    const b = block(html, 'feat-enterprise_search');
    expect(b).to.include('aus Wünschen (Frage 4)');
    expect(b).not.to.include('req-acceptance');
    const key = /name="key" value="([^"]+)"/.exec(b)![1];
    expect(key).to.match(/#[0-9a-f]{16}$/);
    await lead.post(`${base}/requirements/feat-enterprise_search/evidence`).type('form').send({ key: key.replace(/&#34;/g, '"'), state: 'hide' }).expect(303);
    const after = text((await stakeholder.get(`${base}?lang=de`).expect(200)).text);
    expect(after).to.include('1 Zitat ausgeblendet');
    expect(f.result.requirements.every((r) => r.evidence.every((e) => e.start === undefined))).to.equal(true);
  });

  it('an erased response leaves no trace in the curation (its quotes\' keys go from the lists and the history)', async () => {
    const { f, base } = await campaign();
    const erased = f.responseIds[2];
    const kept = keyOf(f, 'need-findability', EN_Q3_EVIDENCE, 8);
    await lead.post(`${base}/requirements/need-findability/evidence`).type('form').send({ key: keyOf(f, 'need-findability', DE_Q3_EVIDENCE, 2), state: 'pin' }).expect(303);
    await lead.post(`${base}/requirements/need-findability/evidence`).type('form').send({ key: kept, state: 'hide' }).expect(303);
    await lead.post(`${base}/requirements/need-findability/plan`).type('form').send({ owner: 'Team', due: '' }).expect(303);
    const before = JSON.stringify(await ReportCurationModel.collection.findOne({ _id: f.campaign._id } as never));
    expect(before).to.include(erased);

    expect(await eraseResponsesFromCuration(f.campaign._id as mongoose.Types.ObjectId, [erased])).to.equal(1);
    const doc = (await ReportCurationModel.collection.findOne({ _id: f.campaign._id } as never)) as unknown as { requirements: Record<string, { pinned: string[]; hidden: string[]; owner: string }>; history: Array<{ action: string }> };
    expect(JSON.stringify(doc)).not.to.include(erased);
    expect(doc.requirements['need-findability']).to.deep.include({ pinned: [], hidden: [kept], owner: 'Team' });
    expect(doc.history.map((h) => h.action)).to.deep.equal(['pin', 'hide', 'plan']);
    expect(await eraseResponsesFromCuration(f.campaign._id as mongoose.Types.ObjectId, [erased])).to.equal(0);
  });

  it('the method counts the theme board\'s corrections as its history lists them, and those made since the run', async () => {
    const { f, base } = await campaign();
    const row = (ago: number) => ({ campaignId: f.campaign._id, runId: new mongoose.Types.ObjectId(f.runId), kind: 'rename', questionKey: 'q3', question: 'challenges', code: 'findability', name: { de: 'Suche', en: 'Search' }, assign: [], authorName: 'x', createdAt: new Date(Date.now() - ago) });
    await BoardCorrectionModel.collection.insertMany([row(120_000), row(90_000), row(0)] as never[]);
    const de = text((await stakeholder.get(`${base}?lang=de`).expect(200)).text);
    expect(de).to.include('Korrekturen im Themen-Board 2 (seit dieser Analyse: 1 weitere für die nächste)');
  });
});
