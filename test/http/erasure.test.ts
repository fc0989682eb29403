import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { createRunner } from '../../src/analysis-runs/runner.js';
import { AnalysisResultModel, AnalysisRunModel } from '../../src/analysis-runs/analysis-run.model.js';
import type { AnalysisResult } from '../../src/analysis/index.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { changeStatus, createCampaign } from '../../src/campaigns/campaign.service.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { ParticipantModel } from '../../src/participants/participant.model.js';
import { confirmImport, issueTokens } from '../../src/participants/participant.service.js';
import { ErasureModel } from '../../src/privacy/erasure.model.js';
import { settleReclaim } from '../../src/privacy/reclaim.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { respondentPost, signIn, staffClient, testApp } from '../helpers/app.js';
import { ANSWERS_DE, openTemplateCampaign } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

/*
 * Issue 12, part 4: erasure that erases. A response carries a marker phrase in every answer; the
 * campaign is analysed twice, the dashboard and exports are opened (so their stored copies
 * exist), a lead corrects the answer on the theme board — then the response is deleted. Every
 * collection of the database is scanned for the marker (strings and binary alike), and after the
 * compaction the embedded database's files on disk too: zero hits.
 */

const MARKER = 'Quokkafrühstück';

/** Every place in the database (all collections, all fields, binary data decoded) holding `needle`. */
async function scanCollections(needle: string): Promise<string[]> {
  const db = mongoose.connection.db!;
  const hits: string[] = [];
  const visit = (value: unknown, where: string): void => {
    if (typeof value === 'string') {
      if (value.includes(needle)) hits.push(where);
    } else if (value instanceof mongoose.mongo.Binary) {
      if (Buffer.from(value.buffer).toString('utf8').includes(needle)) hits.push(`${where} (binary)`);
    } else if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
      if (Buffer.from(value).toString('utf8').includes(needle)) hits.push(`${where} (bytes)`);
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${where}[${i}]`));
    else if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof mongoose.Types.ObjectId))
      for (const [k, v] of Object.entries(value)) visit(v, `${where}.${k}`);
  };
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray())
    for (const doc of await db.collection(name).find({}).toArray()) visit(doc, `${name}/${String(doc._id)}`);
  return hits;
}

/** Files below the test database's directory that contain `needle` (UTF-8 bytes). */
async function scanFiles(dir: string, needle: string): Promise<string[]> {
  const bytes = Buffer.from(needle, 'utf8');
  const hits: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const data = await readFile(file).catch(() => Buffer.alloc(0));
    if (data.includes(bytes)) hits.push(path.relative(dir, file));
  }
  return hits;
}

describe('erasure that erases (issue 12, part 4)', function () {
  this.timeout(180_000);
  useTestDb('erasure');
  const app = testApp();
  const drain = () => createRunner({ instanceId: `erasure-${process.pid}` }).drain();

  it('a deleted response leaves nothing behind: not in any run, cache, export index, board correction or database file', async () => {
    const lead = await signIn(app, 'lead');
    const c = await changeStatus(String((await createCampaign(campaignInputSchema.parse({ ...interviewTemplate(), title: 'Löschprobe' }), { ownerId: lead.user.id }))._id), 'open');
    const id = String(c._id);
    const others = [
      { q1: 'Wir schreiben Mails und telefonieren viel.', q2: 'Von überall arbeiten können.', q3: 'Zu viele Tools, keiner findet etwas.', q4: 'Eine Suche über alle Systeme.' },
      { q1: 'Meist Teams-Chat und kurze Calls.', q2: 'Alles an einem Ort im Portal.', q3: 'Das WLAN im Lager bricht ständig ab.', q4: 'Besseres WLAN und Diensthandys.' },
    ];
    for (let i = 0; i < 12; i++) await createFromApi(c, { submissionId: `keep-${String(i).padStart(4, '0')}`, lang: 'de', answers: others[i % 2], segments: {} });
    const marked = {
      q1: `Wir nutzen Mail und das ${MARKER}-Board im Teams-Chat.`,
      q2: `Digitaler Arbeitsplatz heißt für mich ${MARKER} von überall.`,
      q3: `Zu viele Tools, und das ${MARKER}-Chaos: keiner findet etwas, die Suche ist nutzlos.`,
      q4: `Eine Suche über alle Systeme, auch fürs ${MARKER}.`,
    };
    const { response } = await createFromApi(c, { submissionId: 'marked-00001', lang: 'de', answers: marked, segments: {} });

    // Two analyses, dashboard and exports opened, a correction on the board.
    for (let run = 0; run < 2; run++) {
      await lead.agent.post(`/lead/campaigns/${id}/analysis`).set('Accept', 'application/json').set('X-CSRF-Token', lead.csrf).expect(202);
      expect((await drain()).map((o) => o.status)).to.deep.equal(['done']);
    }
    await lead.agent.get(`/lead/campaigns/${id}/dashboard`).expect(200);
    await lead.agent.get(`/lead/campaigns/${id}/dashboard/answers?kind=all`).expect(200);
    await lead.agent.get(`/lead/campaigns/${id}/exports/answers.csv`).expect(200);
    await lead.agent.get(`/lead/campaigns/${id}/report`).expect(200);
    // The lead recodes the marked answer on the board, from whichever theme the engine put it in.
    const latest = await AnalysisRunModel.findOne({ campaignId: c._id, status: 'done' }).sort({ finishedAt: -1 }).lean();
    const stored = await AnalysisResultModel.findById(latest!._id).lean<{ result: AnalysisResult }>();
    const coded = stored!.result.answers.find((a) => a.id === `${response.id}:q3`)!;
    const theme = coded.themes?.[0] ? `code:${coded.themes[0]}` : `cluster:${coded.cluster}`;
    await lead.agent
      .post(`/lead/campaigns/${id}/board/q3/${theme}/codes`)
      .type('form')
      .send({ _csrf: lead.csrf, answer: `${response.id}:q3`, codes: [...(coded.themes ?? []).filter((t) => t !== 'security_compliance'), 'security_compliance'] })
      .expect((r) => expect(r.status, `${theme}: ${/error-summary[\s\S]{0,600}/.exec(r.text)?.[0] ?? ''}`).to.equal(303));
    expect((await scanCollections(MARKER)).length, 'the marker is stored before the deletion').to.be.greaterThan(3);
    if (process.env.TEST_DB_DIR) expect((await scanFiles(process.env.TEST_DB_DIR, MARKER)).length, 'the file scan finds it before').to.be.greaterThan(0);

    await lead.agent.post(`/lead/campaigns/${id}/responses/${response.id}/delete`).type('form').send({ _csrf: lead.csrf }).expect(303);
    // At once: in no collection any more (runs superseded, their results dropped; board correction gone).
    expect(await scanCollections(MARKER)).to.deep.equal([]);
    const runs = await AnalysisRunModel.find({ campaignId: c._id }).lean();
    expect(runs.filter((r) => r.status === 'superseded')).to.have.length(2);
    expect(runs.filter((r) => r.status === 'queued'), 'a fresh run replaces them').to.have.length(1);
    // The fresh run counts 12 people, not 13, and every page works again.
    expect((await drain()).map((o) => o.status)).to.deep.equal(['done']);
    const fresh = await AnalysisRunModel.findOne({ campaignId: c._id, status: 'done' }).lean();
    expect(fresh?.responses).to.equal(12);
    const report = await lead.agent.get(`/lead/campaigns/${id}/report`).expect(200);
    expect(report.text).not.to.include(MARKER);
    expect(await scanCollections(MARKER)).to.deep.equal([]);
    // A record that an erasure happened, without what was erased.
    const record = await ErasureModel.findOne({ campaignId: c._id }).lean();
    expect(record).to.include({ scope: 'response', responses: 1, runs: 2, corrections: 1 });
    expect(JSON.stringify(record)).not.to.include(response.id);

    // The embedded database's files: compaction leaves no byte of the marker.
    await settleReclaim();
    const dir = process.env.TEST_DB_DIR;
    if (dir) {
      expect(await scanFiles(dir, MARKER), 'database files').to.deep.equal([]);
      expect((await ErasureModel.findOne({ campaignId: c._id }).lean())?.reclaimedAt).to.be.instanceOf(Date);
    }
  });

  it('a run under way while a response is erased drops its result and runs again', async () => {
    const c = await openTemplateCampaign();
    for (let i = 0; i < 6; i++) await createFromApi(c, { submissionId: `busy-${String(i).padStart(4, '0')}`, lang: 'de', answers: ANSWERS_DE, segments: {} });
    const { response } = await createFromApi(c, { submissionId: 'busy-marked', lang: 'de', answers: { ...ANSWERS_DE, q3: `Das ${MARKER}-Problem.` }, segments: {} });
    const lead = await staffClient(app, 'admin');
    await lead.agent.post(`/lead/campaigns/${String(c._id)}/analysis`).set('Accept', 'application/json').set('X-CSRF-Token', lead.csrf).expect(202);
    // The erasure lands after the run loaded its answers but before it finished.
    const runner = createRunner({ instanceId: `erasure-busy-${process.pid}`, beforeFinish: async () => {
      await lead.agent.post(`/lead/campaigns/${String(c._id)}/responses/${response.id}/delete`).type('form').send({ _csrf: lead.csrf }).expect(303);
    } });
    const first = await runner.runOnce();
    expect(first?.status).to.equal('released');
    expect(await scanCollections(MARKER)).to.deep.equal([]);
    expect((await drain()).map((o) => o.status)).to.deep.equal(['done']);
    expect((await AnalysisRunModel.findOne({ campaignId: c._id, status: 'done' }).lean())?.responses).to.equal(6);
    expect(await scanCollections(MARKER)).to.deep.equal([]);
  });

  it('an admin erases a person by personal link or e-mail; a lead cannot; anonymous campaigns only lose the invitation', async () => {
    const identified = await openTemplateCampaign({ anonymity: 'identified' });
    await confirmImport(identified, 'email;name\nnora@example.com;Nora\n');
    const p = await ParticipantModel.findOne({ campaignId: identified._id }).lean();
    const token = (await issueTokens([{ id: String(p!._id) }])).get(String(p!._id))!;
    const agent = request.agent(app);
    await agent.get(`/p/${token}`).expect(303);
    await respondentPost(agent, identified.publicToken, 'start', { lang: 'de', consent: 'yes' }, 303);
    const form = Object.fromEntries(Object.entries({ ...ANSWERS_DE, q3: `Nora sagt: ${MARKER}.` }).map(([k, v]) => [`answers[${k}]`, v]));
    await respondentPost(agent, identified.publicToken, 'submit', { submissionId: 'nora-000001', ...form }, 303);
    expect(await ResponseModel.countDocuments({ campaignId: identified._id })).to.equal(1);

    const lead = await signIn(app, 'lead');
    await lead.agent.post('/admin/erasure').type('form').send({ _csrf: lead.csrf, subject: 'nora@example.com', confirm: 'yes' }).expect(403);
    const admin = await signIn(app, 'admin');
    const unconfirmed = await admin.agent.post('/admin/erasure').set('Accept-Language', 'en').type('form').send({ _csrf: admin.csrf, subject: 'nora@example.com' }).expect(400);
    expect(unconfirmed.text).to.include('Please confirm that the erasure is intended.');
    expect(unconfirmed.text).to.include('value="nora@example.com"');
    const done = await admin.agent.post('/admin/erasure').set('Accept-Language', 'en').type('form').send({ _csrf: admin.csrf, subject: `https://voice.example.com/p/${token}`, confirm: 'yes' }).expect(200);
    expect(done.text).to.include('Erased: 1 answer, 1 invitation record');
    expect(await ResponseModel.countDocuments({ campaignId: identified._id })).to.equal(0);
    expect(await ParticipantModel.countDocuments({ campaignId: identified._id })).to.equal(0);
    expect(await scanCollections(MARKER)).to.deep.equal([]);
    expect(await scanCollections('nora@example.com')).to.deep.equal([]);
    const page = await admin.agent.get('/admin/privacy').set('Accept-Language', 'en').expect(200);
    expect(page.text).to.include('Erasure request (admin)');
    expect(page.text).not.to.include('nora@example.com');

    const anonymous = await openTemplateCampaign({ anonymity: 'anonymous' });
    await confirmImport(anonymous, 'email;name\nole@example.com;Ole\n');
    const byMail = await admin.agent.post('/admin/erasure').set('Accept-Language', 'en').type('form').send({ _csrf: admin.csrf, subject: 'Ole@Example.com', confirm: 'yes' }).expect(200);
    expect(byMail.text).to.include('1 campaign is anonymous');
    expect(await ParticipantModel.countDocuments({ campaignId: anonymous._id })).to.equal(0);
    const unknown = await admin.agent.post('/admin/erasure').set('Accept-Language', 'en').type('form').send({ _csrf: admin.csrf, subject: 'nobody@example.com', confirm: 'yes' }).expect(404);
    expect(unknown.text).to.include('Nothing is stored for this link or e-mail address.');
  });
});
