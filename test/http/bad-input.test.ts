import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { ApiTokenModel, UserModel } from '../../src/auth/user.model.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { changeStatus, createCampaign, forgetCampaign, setMember } from '../../src/campaigns/campaign.service.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { ParticipantModel } from '../../src/participants/participant.model.js';
import { DraftModel, ResponseModel } from '../../src/responses/response.model.js';
import { translator, type MessageKey } from '../../src/shared/i18n/index.js';
import { apiAuth, csrfFrom, makeUser, respondentCsrf, signIn, staffClient, testApp, type SignedIn } from '../helpers/app.js';
import { ANSWERS_DE, openTemplateCampaign } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

/*
 * The bad-input catalogue of issue 4 (item 7): every case asserts the clear error AND that
 * nothing was stored, changed or leaked.
 */

const en = translator('en');
const de = translator('de');
/** How EJS's `<%= %>` writes a text into the page. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
const enText = (key: MessageKey, params?: Record<string, string | number>) => esc(en(key, params));

/** Stack traces, driver errors or file paths must never reach a client. */
function expectNoInternals(text: string): void {
  expect(text).not.to.match(/\bat [^\n]*\.(js|ts):\d+/);
  expect(text).not.to.match(/MongoServerError|MongooseError|CastError|ValidationError|E11000|node_modules|\/src\//);
}

type Counts = Record<'campaigns' | 'responses' | 'drafts' | 'participants' | 'users' | 'tokens', number>;
async function counts(): Promise<Counts> {
  const [campaigns, responses, drafts, participants, users, tokens] = await Promise.all([
    CampaignModel.countDocuments(),
    ResponseModel.countDocuments(),
    DraftModel.countDocuments(),
    ParticipantModel.countDocuments(),
    UserModel.countDocuments(),
    ApiTokenModel.countDocuments(),
  ]);
  return { campaigns, responses, drafts, participants, users, tokens };
}

/** The stored campaign without the volatile timestamps, for before/after comparisons. */
async function snapshot(id: unknown): Promise<string> {
  const c = await CampaignModel.findById(id).lean();
  return JSON.stringify(c);
}

const prefix = (answers: Record<string, string>) => Object.fromEntries(Object.entries(answers).map(([k, v]) => [`answers[${k}]`, v]));
const subId = () => `sub-${Math.random().toString(36).slice(2, 14)}`;
const answerText = (r: { answers?: unknown } | null | undefined, key: string) => (r?.answers as Record<string, { text: string }> | undefined)?.[key]?.text;

/** The form a browser posts for the template campaign (as on the lead's form page). */
function templateForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {
    title: 'Digitaler Arbeitsplatz Süd',
    description: 'Worum es geht',
    languages: ['de', 'en'],
    anonymity: 'anonymous',
    'segments[0][key]': 'department',
    'segments[0][label_de]': 'Bereich',
    'segments[0][label_en]': 'Department',
    'segments[0][options]': 'sales = Vertrieb | Sales\nIT | IT',
  };
  ['q1', 'q2'].forEach((key, i) => {
    form[`questions[${i}][key]`] = key;
    form[`questions[${i}][role]`] = ['current_practice', 'meaning'][i];
    form[`questions[${i}][prompt_de]`] = `Frage ${key}?`;
    form[`questions[${i}][prompt_en]`] = `Question ${key}?`;
    form[`questions[${i}][mode_text]`] = 'on';
    form[`questions[${i}][required]`] = 'on';
  });
  return { ...form, ...overrides };
}

describe('bad-input catalogue (issue 4, item 7)', function () {
  this.timeout(60_000);
  useTestDb('bad_input');
  const app = testApp();

  /** A draft campaign owned by `ownerId` (template content, optionally changed). */
  async function draftOf(ownerId: string, overrides: Record<string, unknown> = {}) {
    return createCampaign(campaignInputSchema.parse({ ...interviewTemplate(), ...overrides }), { ownerId });
  }
  async function openOf(ownerId: string, overrides: Record<string, unknown> = {}) {
    return changeStatus(String((await draftOf(ownerId, overrides))._id), 'open');
  }

  /** A respondent's browser that has consented; `csrf` is its token (form field or header). */
  async function consented(token: string, lang = 'de'): Promise<TestAgent & { csrf: string }> {
    const agent = request.agent(app);
    const csrf = await respondentCsrf(agent, token);
    await agent.post(`/r/${token}/start`).type('form').send({ lang, consent: 'yes', _csrf: csrf }).expect(303);
    return Object.assign(agent, { csrf });
  }

  /** A submitted web response of campaign `token`; returns its id. */
  async function submitted(token: string, answers: Record<string, string> = ANSWERS_DE): Promise<string> {
    const agent = await consented(token);
    await agent.post(`/r/${token}/submit`).type('form').send({ _csrf: agent.csrf, submissionId: subId(), ...prefix(answers) }).expect(303);
    const list = await ResponseModel.find({}).sort({ submittedAt: -1 }).limit(1).lean();
    return String(list[0]._id);
  }

  // -------------------------------------------------------------------------------------------
  describe('NoSQL operators', () => {
    it('1. login form with email[$ne] / password[$ne] → 400, no session, nothing leaked', async () => {
      await makeUser('admin');
      const agent = request.agent(app);
      const csrf = csrfFrom((await agent.get('/login').expect(200)).text);
      const before = await counts();
      const res = await agent
        .post('/login')
        .set('Accept-Language', 'en')
        .type('form')
        .send(`_csrf=${encodeURIComponent(csrf)}&email[$ne]=nobody&password[$ne]=x&email[$regex]=.*`)
        .expect(400);
      expect(res.text).to.include(enText('errors.400.title'));
      expectNoInternals(res.text);
      await agent.get('/lead').expect(303).expect('Location', /^\/login/);
      expect(await counts()).to.deep.equal(before);
    });

    it('2. login JSON {"email":{"$ne":""},"password":{"$ne":""}} → 400 JSON with field errors, still signed out', async () => {
      const agent = request.agent(app);
      const csrf = csrfFrom((await agent.get('/login').expect(200)).text);
      const res = await agent
        .post('/login')
        .set('Accept', 'application/json')
        .set('X-CSRF-Token', csrf)
        .send({ email: { $ne: '' }, password: { $ne: '' } })
        .expect(400);
      expect(res.body.error.code).to.equal('validation_failed');
      expect(res.body.error.fields).to.include.keys('email', 'password');
      expectNoInternals(res.text);
      await agent.get('/account').expect(303);
    });

    it('3. operators in list filters, limits and page numbers (query strings) → 400 or ignored, never a filter', async () => {
      const a = await signIn(app, 'lead');
      const other = await makeUser('lead');
      const foreign = await draftOf(other.id, { title: 'Fremde Kampagne' });
      const mine = await openOf(a.user.id, { title: 'Meine Kampagne' });
      await submitted(mine.publicToken);
      const { header } = await apiAuth('lead');
      // Operators in JSON-looking values are validation errors …
      const lead = await a.agent.get('/lead?status=%7B%22%24ne%22%3Anull%7D').set('Accept-Language', 'en').expect(400);
      expect(lead.text).to.include(enText('errors.400.title'));
      for (const q of ['limit=%7B%22%24gt%22%3A0%7D', 'skip=-1', 'limit=1e9', 'status=%7B%22%24in%22%3A%5B%22draft%22%5D%7D']) {
        const res = await request(app).get(`/api/v1/campaigns?${q}`).set('Authorization', header).expect(400);
        expect(res.body.error.code, q).to.equal('validation_failed');
      }
      // … and bracket syntax stays a literal (unknown) key with the simple query parser: the lead
      // still sees only their own campaigns, and counts are the real ones.
      const list = await a.agent.get('/lead?status[$ne]=x&ownerId[$exists]=false').set('Accept-Language', 'en').expect(200);
      expect(list.text).to.include('Meine Kampagne');
      expect(list.text).not.to.include('Fremde Kampagne');
      const responses = await a.agent.get(`/api/v1/campaigns/${String(mine._id)}/responses?status[$ne]=submitted&limit[$gt]=0`).expect(200);
      expect(responses.body.total).to.equal(1);
      await a.agent.get(`/api/v1/campaigns/${String(mine._id)}/responses?status=%7B%22%24ne%22%3A%22x%22%7D`).expect(400);
      const page = await a.agent.get(`/lead/campaigns/${String(mine._id)}/participants?page=%7B%22%24gt%22%3A0%7D`).expect(400);
      expectNoInternals(page.text);
      await a.agent.get(`/lead/campaigns/${String(foreign._id)}?x[$ne]=1`).expect(404);
    });

    it('4. operators in JSON bodies (API response, autosave) → 400 with field errors, nothing stored or changed', async () => {
      const { header, user } = await apiAuth('lead');
      const c = await openOf(user.id);
      const before = await counts();
      const api = await request(app)
        .post(`/api/v1/campaigns/${String(c._id)}/responses`)
        .set('Authorization', header)
        .send({ submissionId: { $gt: '' }, lang: { $in: ['de'] }, consent: true, answers: { q1: { $ne: '' } }, segments: { department: { $exists: true } } })
        .expect(400);
      expect(api.body.error.fields).to.include.keys('submissionId', 'lang', 'answers.q1', 'segments.department');
      expectNoInternals(api.text);

      const agent = await consented(c.publicToken);
      const draftBefore = await DraftModel.findOne({ campaignId: c._id }).lean();
      const auto = await agent
        .post(`/r/${c.publicToken}/autosave`)
        .set('Accept', 'application/json')
        .set('X-CSRF-Token', agent.csrf)
        .send({ answers: { q1: { $set: { lang: 'en' } } }, segments: { department: { $ne: '' } } })
        .expect(400);
      expect(auto.body.error.code).to.equal('validation_failed');
      expect(JSON.stringify(await DraftModel.findOne({ campaignId: c._id }).lean())).to.equal(JSON.stringify(draftBefore));
      expect((await counts()).responses).to.equal(before.responses);
    });

    it('5. operators in staff forms (members, admin user update) → 400, nobody added, nothing changed', async () => {
      const a = await signIn(app, 'lead');
      const c = await draftOf(a.user.id);
      const snap = await snapshot(c._id);
      const res = await a.agent
        .post(`/lead/campaigns/${String(c._id)}/members`)
        .set('Accept-Language', 'en')
        .type('form')
        .send(`_csrf=${encodeURIComponent(a.csrf)}&email[$ne]=x&as=coLead`)
        .expect(400);
      expect(res.text).to.include(enText('errors.400.title'));
      expect(await snapshot(c._id)).to.equal(snap);

      const admin = await staffClient(app, 'admin');
      const victim = await makeUser('lead');
      const victimBefore = JSON.stringify(await UserModel.findById(victim.id).lean());
      await admin.post(`/admin/users/${victim.id}`).type('form').send('role[$ne]=lead&disabled[$ne]=false').expect(400);
      await admin.post(`/admin/users/${victim.id}`).send({ role: { $ne: 'lead' }, disabled: { $ne: 'false' } }).expect(400);
      expect(JSON.stringify(await UserModel.findById(victim.id).lean())).to.equal(victimBefore);
    });

    it('6. operators in a respondent form (answers[q1][$ne]) → 400 re-render with the answer missing, nothing submitted', async () => {
      const c = await openTemplateCampaign();
      const agent = await consented(c.publicToken, 'en');
      const form = `_csrf=${encodeURIComponent(agent.csrf)}&submissionId=${subId()}&answers[q1][$ne]=&answers[q2]=${encodeURIComponent(ANSWERS_DE.q2)}&answers[q3]=x&answers[q4]=y&segments[department][$gt]=`;
      const res = await agent.post(`/r/${c.publicToken}/submit`).set('Accept-Language', 'en').type('form').send(form).expect(400);
      expect(res.text).to.include(enText('validation.answer_required'));
      expect(res.text).to.include(esc(ANSWERS_DE.q2));
      expectNoInternals(res.text);
      expect(await ResponseModel.countDocuments({ campaignId: c._id })).to.equal(0);
    });
  });
  // -------------------------------------------------------------------------------------------
  describe('__proto__ / constructor / prototype paths', () => {
    afterEach(() => {
      // Whatever a case sent, the process's prototypes stay clean.
      for (const k of ['polluted', 'status', 'ownerId', 'isAdmin', 'role', 'required', 'x']) {
        expect(Object.prototype, k).not.to.have.property(k);
      }
    });

    it('7. campaign edit form with __proto__/constructor[prototype] fields → saved normally, nothing extra stored', async () => {
      const a = await signIn(app, 'lead');
      const c = await draftOf(a.user.id);
      const edit = await a.agent.get(`/lead/campaigns/${String(c._id)}/edit`).expect(200);
      const version = /name="version" value="(\d+)"/.exec(edit.text)![1];
      const evil = [
        '__proto__[status]=open',
        '__proto__[ownerId]=000000000000000000000000',
        'constructor[prototype][polluted]=yes',
        'prototype[isAdmin]=1',
        'questions[__proto__][0][key]=x',
        'questions[0][__proto__][required]=',
        'segments[0][constructor][prototype][x]=1',
      ].join('&');
      const body = new URLSearchParams({ ...templateForm({ title: 'Nach Bearbeitung', version }), _csrf: a.csrf } as Record<string, string>);
      for (const l of ['de', 'en']) body.append('languages', l);
      body.delete('languages');
      const form = `${body.toString()}&languages=de&languages=en&${evil}`;
      await a.agent.post(`/lead/campaigns/${String(c._id)}`).type('form').send(form).expect(303);
      const stored = await CampaignModel.findById(c._id).lean();
      expect(stored!.title).to.equal('Nach Bearbeitung');
      expect(stored!.status).to.equal('draft');
      expect(String(stored!.ownerId)).to.equal(a.user.id);
      expect(stored!.questions.map((q) => q.key)).to.deep.equal(['q1', 'q2']);
      expect(stored!.questions.every((q) => q.required)).to.equal(true);
      const raw = JSON.stringify(stored);
      expect(raw).not.to.match(/polluted|isAdmin|__proto__|"prototype"/);
    });

    it('8. JSON campaign update with "__proto__" and "constructor" members → ignored; status, owner and questions unchanged', async () => {
      const { header, user } = await apiAuth('lead');
      const c = await draftOf(user.id);
      const other = await makeUser('lead');
      const payload = {
        ...interviewTemplate(),
        title: 'Per API geändert',
        version: 0,
        constructor: { prototype: { polluted: true, status: 'open' } },
        questions: interviewTemplate().questions.map((q, i) => (i === 0 ? { ...q, constructor: { prototype: { required: false } } } : q)),
      };
      // JSON.parse makes "__proto__" an own member; send it raw so the client library cannot drop it.
      const raw = JSON.stringify(payload).replace(/^\{/, `{"__proto__":{"status":"open","ownerId":"${other.id}","isAdmin":true},`);
      const res = await request(app).put(`/api/v1/campaigns/${String(c._id)}`).set('Authorization', header).set('Content-Type', 'application/json').send(raw).expect(200);
      expect(res.body.status).to.equal('draft');
      const stored = await CampaignModel.findById(c._id).lean();
      expect(stored!.title).to.equal('Per API geändert');
      expect(stored!.status).to.equal('draft');
      expect(String(stored!.ownerId)).to.equal(user.id);
      expect(stored!.questions[0].required).to.equal(true);
      expect(JSON.stringify(stored)).not.to.match(/polluted|isAdmin/);
    });

    it('9. autosave with __proto__/constructor/prototype/toString keys in answers and segments → only real question keys are stored', async () => {
      const c = await openTemplateCampaign();
      const agent = await consented(c.publicToken);
      const raw =
        '{"answers":{"__proto__":"a","constructor":"b","prototype":"c","toString":"d","hasOwnProperty":"e","q1":"Echte Antwort"},' +
        '"segments":{"__proto__":"it","constructor":"it","toString":"it","department":"it"}}';
      const res = await agent
        .post(`/r/${c.publicToken}/autosave`)
        .set('Accept', 'application/json')
        .set('Content-Type', 'application/json')
        .set('X-CSRF-Token', agent.csrf)
        .send(raw);
      expectNoInternals(res.text);
      expect(res.status, res.text).to.equal(200);
      const draft = await DraftModel.findOne({ campaignId: c._id }).lean();
      expect(Object.keys(draft!.answers as object)).to.deep.equal(['q1']);
      expect(answerText(draft, 'q1')).to.equal('Echte Antwort');
      expect(draft!.segments).to.deep.equal({ department: 'it' });
      // The form post takes the same path: qs drops __proto__, the rest is ignored.
      const form = `_csrf=${encodeURIComponent(agent.csrf)}&submissionId=${subId()}&${new URLSearchParams(prefix(ANSWERS_DE)).toString()}&segments[department]=it&answers[__proto__][x]=1&answers[constructor]=c&segments[toString]=it&segments[constructor][prototype]=it`;
      await agent.post(`/r/${c.publicToken}/submit`).type('form').send(form).expect(303);
      const response = await ResponseModel.findOne({ campaignId: c._id }).lean();
      expect(Object.keys(response!.answers as object).sort()).to.deep.equal(['q1', 'q2', 'q3', 'q4']);
      expect(response!.segments).to.deep.equal({ department: 'it' });
    });

    it('10. question/segment keys "constructor" and "prototype" are refused with a message; other odd names work end to end', async () => {
      // Found by this catalogue: "constructor" made the respondent page answer 500, "prototype"
      // made every submit fail (mongoose Maps refuse it). Fixed in keySchema (src/shared/validation.ts).
      const { header, user } = await apiAuth('lead');
      const before = await counts();
      const t = interviewTemplate();
      for (const key of ['constructor', 'prototype', '__proto__']) {
        const res = await request(app)
          .post('/api/v1/campaigns')
          .set('Authorization', header)
          .send({ ...t, questions: [{ ...t.questions[0], key }, ...t.questions.slice(1)], segments: [{ ...t.segments[0], key }] });
        expect(res.status, key).to.equal(400);
        expect(res.body.error.fields, key).to.include.keys('questions.0.key', 'segments.0.key');
      }
      const res = await request(app)
        .post('/api/v1/campaigns')
        .set('Authorization', header)
        .send({ ...t, questions: [{ ...t.questions[0], key: 'constructor' }] })
        .expect(400);
      expect(res.body.error.fields['questions.0.key']).to.equal('validation.key_reserved');
      expect(await counts()).to.deep.equal(before);
      // The lead's form says so in words, keeping the input.
      const a = await signIn(app, 'lead');
      const form = await a.agent
        .post('/lead/campaigns')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ ...templateForm({ 'questions[0][key]': 'constructor' }), _csrf: a.csrf })
        .expect(400);
      expect(form.text).to.include(enText('validation.key_reserved'));
      expect(form.text).to.include('value="constructor"');
      expect(await counts()).to.deep.equal({ ...before, users: before.users + 1 });

      // Lower-case names that are NOT prototype members (toString ≠ tostring) are ordinary keys.
      const c = await openOf(user.id, {
        questions: [{ ...t.questions[0], key: 'proto' }, { ...t.questions[1], key: 'tostring', required: true }],
        segments: [{ ...t.segments[0], key: 'valueof' }],
      });
      const agent = await consented(c.publicToken, 'en');
      await agent.get(`/r/${c.publicToken}/answer`).expect(200);
      const missing = await agent.post(`/r/${c.publicToken}/submit`).set('Accept-Language', 'en').type('form').send({ _csrf: agent.csrf, submissionId: subId(), 'answers[proto]': 'nur eine' }).expect(400);
      expect(missing.text).to.include(enText('validation.answer_required'));
      await agent
        .post(`/r/${c.publicToken}/submit`)
        .type('form')
        .send({ _csrf: agent.csrf, submissionId: subId(), 'answers[proto]': 'eins', 'answers[tostring]': 'zwei', 'segments[valueof]': 'it' })
        .expect(303);
      const stored = await ResponseModel.findOne({ campaignId: c._id }).lean();
      expect(answerText(stored, 'tostring')).to.equal('zwei');
      expect(stored!.segments).to.deep.equal({ valueof: 'it' });
    });
  });
  // -------------------------------------------------------------------------------------------
  describe('mass assignment', () => {
    const FOREIGN_ID = '0123456789abcdef01234567';
    const extras = {
      status: 'open',
      ownerId: FOREIGN_ID,
      coLeadIds: [FOREIGN_ID],
      stakeholderIds: [FOREIGN_ID],
      publicToken: 'AAAAAAAAAAAAAAAAAAAAAA',
      publicLinkEnabled: false,
      questionsLockedAt: '2020-01-01T00:00:00Z',
      openedAt: '2020-01-01T00:00:00Z',
      seedKey: 'planted',
      minGroupSize: 2,
      mailing: { linkBaseUrl: 'https://evil.example' },
      responsesPurgedAt: '2020-01-01T00:00:00Z',
      __v: 99,
      _id: FOREIGN_ID,
      createdAt: '2000-01-01T00:00:00Z',
    };
    function expectNotAssigned(c: Record<string, unknown> | null, ownerId: string) {
      expect(c).not.to.equal(null);
      expect(c!.status).to.equal('draft');
      expect(String(c!.ownerId)).to.equal(ownerId);
      expect(c!.coLeadIds).to.deep.equal([]);
      expect(c!.stakeholderIds).to.deep.equal([]);
      expect(c!.publicToken).not.to.equal('AAAAAAAAAAAAAAAAAAAAAA');
      expect(c!.publicLinkEnabled).to.equal(true);
      expect(c!.questionsLockedAt ?? null).to.equal(null);
      expect(c!.openedAt ?? null).to.equal(null);
      expect(c!.seedKey ?? null).to.equal(null);
      expect(c!.minGroupSize).to.equal(5);
      expect((c!.mailing as { linkBaseUrl?: string }).linkBaseUrl).to.equal('');
      expect(String(c!._id)).not.to.equal(FOREIGN_ID);
      expect(c!.__v).to.be.below(5);
      expect((c!.createdAt as Date).getUTCFullYear()).to.be.at.least(2025);
    }

    it('11. API create and update with status/ownerId/publicToken/__v/_id/… → those fields are ignored', async () => {
      const { header, user } = await apiAuth('lead');
      const created = await request(app).post('/api/v1/campaigns').set('Authorization', header).send({ ...interviewTemplate(), ...extras }).expect(201);
      expect(created.body.status).to.equal('draft');
      expect(created.body.link).not.to.include('AAAAAAAAAAAAAAAAAAAAAA');
      expectNotAssigned(await CampaignModel.findById(created.body.id).lean(), user.id);
      expect(await CampaignModel.countDocuments({ _id: FOREIGN_ID })).to.equal(0);

      const updated = await request(app)
        .put(`/api/v1/campaigns/${created.body.id}`)
        .set('Authorization', header)
        .send({ ...interviewTemplate(), ...extras, title: 'Neu', version: 0 })
        .expect(200);
      expect(updated.body.version).to.equal(1);
      const stored = await CampaignModel.findById(created.body.id).lean();
      expect(stored!.title).to.equal('Neu');
      expectNotAssigned(stored, user.id);
    });

    it('12. lead forms (create, edit) with status/ownerId/publicToken/__v fields → ignored', async () => {
      const a = await signIn(app, 'lead');
      const form = {
        ...templateForm(),
        status: 'open',
        ownerId: FOREIGN_ID,
        'coLeadIds[]': FOREIGN_ID,
        publicToken: 'AAAAAAAAAAAAAAAAAAAAAA',
        publicLinkEnabled: 'false',
        __v: '99',
        _id: FOREIGN_ID,
        seedKey: 'planted',
        minGroupSize: '2',
        'mailing[linkBaseUrl]': 'https://evil.example',
        _csrf: a.csrf,
      };
      const created = await a.agent.post('/lead/campaigns').type('form').send(form).expect(303);
      const id = /\/lead\/campaigns\/([a-f0-9]{24})/.exec(created.headers.location)![1];
      expectNotAssigned(await CampaignModel.findById(id).lean(), a.user.id);
      await a.agent.post(`/lead/campaigns/${id}`).type('form').send({ ...form, title: 'Bearbeitet', version: '0' }).expect(303);
      const stored = await CampaignModel.findById(id).lean();
      expect(stored!.title).to.equal('Bearbeitet');
      expectNotAssigned(stored, a.user.id);
    });

    it('13. responses (API and respondent form) with campaignId/_id/status/source/participantId/submittedAt → stored under the URL’s campaign only', async () => {
      const { header, user } = await apiAuth('lead');
      const c = await openOf(user.id);
      const victim = await openTemplateCampaign();
      const planted = {
        campaignId: String(victim._id),
        _id: `d_planted`,
        id: 'planted',
        status: 'draft',
        source: 'web',
        participantId: FOREIGN_ID,
        submittedAt: '2000-01-01T00:00:00Z',
        consent: true,
      };
      const api = await request(app)
        .post(`/api/v1/campaigns/${String(c._id)}/responses`)
        .set('Authorization', header)
        .send({ submissionId: 'mass-assign-0001', lang: 'de', answers: ANSWERS_DE, ...planted })
        .expect(201);
      expect(api.body.campaignId).to.equal(String(c._id));
      const stored = await ResponseModel.findById(api.body.id).lean();
      expect(stored!.source).to.equal('api');
      expect(stored!.status).to.equal('submitted');
      expect(stored!.participantId ?? null).to.equal(null);
      expect(stored!.submittedAt.getUTCFullYear()).to.be.at.least(2025);
      expect(String(stored!._id)).not.to.equal('d_planted');

      const agent = await consented(c.publicToken);
      await agent
        .post(`/r/${c.publicToken}/submit`)
        .type('form')
        .send({ _csrf: agent.csrf, submissionId: subId(), ...prefix(ANSWERS_DE), ...planted, consent: 'no', 'consent[version]': 'forged', lang: 'en' })
        .expect(303);
      const web = await ResponseModel.find({ campaignId: c._id, source: 'web' }).lean();
      expect(web).to.have.length(1);
      expect(web[0].participantId ?? null).to.equal(null);
      expect(web[0].lang).to.equal('de');
      expect(web[0].consent.version).not.to.equal('forged');
      expect(await ResponseModel.countDocuments({ campaignId: victim._id })).to.equal(0);
      expect(await DraftModel.countDocuments({ campaignId: victim._id })).to.equal(0);
    });

    it('14. settings and account forms with ownerId/status/role fields → only the offered fields change', async () => {
      const a = await signIn(app, 'lead');
      const c = await draftOf(a.user.id);
      await a.agent
        .post(`/lead/campaigns/${String(c._id)}/participants/settings`)
        .type('form')
        .send({
          _csrf: a.csrf,
          senderName: 'Projektteam',
          replyTo: '',
          reminderAfterDays: '3',
          maxReminders: '1',
          minGroupSize: '6',
          ownerId: FOREIGN_ID,
          status: 'open',
          publicLinkEnabled: 'off',
          'mailing[linkBaseUrl]': 'https://evil.example',
          linkBaseUrl: 'https://evil.example',
        })
        .expect(303);
      const stored = await CampaignModel.findById(c._id).lean();
      expect(stored!.mailing!.senderName).to.equal('Projektteam');
      expect(stored!.minGroupSize).to.equal(6);
      expect(stored!.status).to.equal('draft');
      expect(String(stored!.ownerId)).to.equal(a.user.id);
      expect(stored!.publicLinkEnabled).to.equal(true);
      expect(stored!.mailing!.linkBaseUrl).to.equal('');

      // A lead cannot promote themselves through their own account forms.
      await a.agent.post('/account/tokens').type('form').send({ _csrf: a.csrf, name: 'ci', role: 'admin', userId: FOREIGN_ID }).expect(201);
      await a.agent
        .post('/account/password')
        .type('form')
        .send({ _csrf: a.csrf, currentPassword: 'wrong wrong wrong', newPassword: 'another long password', role: 'admin', disabled: 'false' })
        .expect(400);
      const me = await UserModel.findById(a.user.id).lean();
      expect(me!.role).to.equal('lead');
      const tokens = await ApiTokenModel.find({ name: 'ci' }).lean();
      expect(tokens.map((t) => String(t.userId))).to.deep.equal([a.user.id]);
      await a.agent.get('/admin/users').expect(403);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('XSS payloads are escaped on every page that shows them', () => {
    const XSS = `<script>alert(1)</script><img src=x onerror=alert(2)>"'><svg onload=alert(3)>`;
    const RAW = [/<script>alert/, /<img src=x/, /<svg onload/];
    function expectEscaped(text: string, where: string, mustShow = true) {
      for (const re of RAW) expect(text, where).not.to.match(re);
      if (mustShow) expect(text, where).to.include(esc(XSS));
    }

    it('15. in campaign title, description, question prompts, segment and option labels (lead and respondent pages)', async () => {
      const a = await signIn(app, 'lead');
      const t = interviewTemplate();
      const overrides = {
        title: XSS,
        description: XSS,
        questions: t.questions.map((q) => ({ ...q, prompt: { de: `${XSS} de`, en: `${XSS} en` } })),
        segments: [{ ...t.segments[0], label: { de: XSS, en: XSS }, options: t.segments[0].options.map((o, i) => (i === 0 ? { ...o, label: { de: XSS, en: XSS } } : o)) }],
      };
      const draft = await draftOf(a.user.id, overrides);
      const id = String(draft._id);
      for (const path of ['/lead', `/lead/campaigns/${id}`, `/lead/campaigns/${id}/edit`]) {
        expectEscaped((await a.agent.get(path).set('Accept-Language', 'en').expect(200)).text, path);
      }
      const c = await changeStatus(id, 'open');
      const optionKey = t.segments[0].options[0].key;
      await submitted(c.publicToken);
      const agent = await consented(c.publicToken, 'en');
      await agent.post(`/r/${c.publicToken}/submit`).type('form').send({ _csrf: agent.csrf, submissionId: subId(), ...prefix(ANSWERS_DE), [`segments[${t.segments[0].key}]`]: optionKey }).expect(303);
      const rid = String((await ResponseModel.findOne({ campaignId: c._id }).lean())!._id);
      const lead = [
        `/lead/campaigns/${id}`,
        `/lead/campaigns/${id}/responses`,
        `/lead/campaigns/${id}/responses/${rid}`,
        `/lead/campaigns/${id}/questions/q1`,
        `/lead/campaigns/${id}/participants`,
        `/lead/campaigns/${id}/participants/import`,
      ];
      for (const path of lead) {
        const res = await a.agent.get(path).set('Accept-Language', 'en').expect(200);
        expectEscaped(res.text, path, !path.endsWith('/questions/q1') && !path.endsWith('/responses') && !/responses\/.+/.test(path));
      }
      const fresh = request.agent(app);
      expectEscaped((await fresh.get(`/r/${c.publicToken}`).set('Accept-Language', 'en').expect(200)).text, 'welcome');
      const csrf = await respondentCsrf(fresh, c.publicToken);
      await fresh.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'en', consent: 'yes', _csrf: csrf }).expect(303);
      const answer = await fresh.get(`/r/${c.publicToken}/answer`).set('Accept-Language', 'en').expect(200);
      expectEscaped(answer.text, 'answer page');
      expect(answer.text).to.include(esc(`${XSS} en`));
      await fresh.post(`/r/${c.publicToken}/submit`).type('form').send({ _csrf: csrf, submissionId: subId(), ...prefix(ANSWERS_DE) }).expect(303);
      expectEscaped((await fresh.get(`/r/${c.publicToken}/thanks`).expect(200)).text, 'thanks');
      // The API returns the text as data (JSON), never as HTML.
      const api = await a.agent.get(`/api/v1/campaigns/${id}`).expect(200).expect('Content-Type', /application\/json/);
      expect(api.body.title).to.equal(XSS);
    });

    it('16. in answers: respondent page (draft prefill), lead response list, single response and question pages', async () => {
      const a = await signIn(app, 'lead');
      const c = await openOf(a.user.id);
      const payload = `</textarea>${XSS}`;
      const agent = await consented(c.publicToken);
      await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).send({ answers: { q1: payload } }).expect(200);
      const page = await agent.get(`/r/${c.publicToken}/answer`).expect(200);
      expect(page.text).not.to.include('</textarea><script>');
      expect(page.text).to.include(esc(payload));
      await agent.post(`/r/${c.publicToken}/submit`).type('form').send({ _csrf: agent.csrf, submissionId: subId(), ...prefix({ ...ANSWERS_DE, q1: payload, q3: XSS }) }).expect(303);
      const rid = String((await ResponseModel.findOne({ campaignId: c._id }).lean())!._id);
      const id = String(c._id);
      for (const path of [`/lead/campaigns/${id}/responses`, `/lead/campaigns/${id}/responses/${rid}`, `/lead/campaigns/${id}/questions/q1`, `/lead/campaigns/${id}/questions/q3`]) {
        const res = await a.agent.get(path).set('Accept-Language', 'en').expect(200);
        expect(res.text, path).not.to.include('</textarea><script>');
        expectEscaped(res.text, path);
      }
    });

    it('17. in CSV-imported names, e-mails and option values: preview, error messages, list; CSV export defuses formulas', async () => {
      const admin = await staffClient(app, 'admin');
      const c = await openTemplateCampaign({ anonymity: 'identified' });
      const id = String(c._id);
      const csv = [
        'email;name;department',
        `a@example.com;${XSS.replace(/;/g, ',')};sales`,
        `x"><svg onload=alert(3)>@x;Bob;it`,
        `c@example.com;Carla;<script>alert(1)</script>`,
        `d@example.com;"=HYPERLINK(""https://evil.example"";""klick"")";it`,
      ].join('\n');
      const preview = await admin.post(`/lead/campaigns/${id}/participants/import`).set('Accept-Language', 'en').field('csv', csv).field('action', 'preview').expect(200);
      for (const re of RAW) expect(preview.text).not.to.match(re);
      expect(preview.text).to.include('&lt;img src=x onerror=alert(2)&gt;');
      expect(preview.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(preview.text).to.include('x&#34;&gt;&lt;svg onload=alert(3)&gt;@x');
      expect(await ParticipantModel.countDocuments({ campaignId: c._id }), 'a preview stores nothing').to.equal(0);
      await admin.post(`/lead/campaigns/${id}/participants/import`).field('csv', csv).field('action', 'confirm').expect(303);
      expect(await ParticipantModel.countDocuments({ campaignId: c._id })).to.equal(2);
      const list = await admin.get(`/lead/campaigns/${id}/participants`).set('Accept-Language', 'en').expect(200);
      for (const re of RAW) expect(list.text).not.to.match(re);
      expect(list.text).to.include('&lt;img src=x onerror=alert(2)&gt;');
      const exported = await admin.post(`/lead/campaigns/${id}/participants/export`).expect(200);
      expect(exported.text).to.include(`"'=HYPERLINK(""https://evil.example"";""klick"")"`);
      expect(exported.text).not.to.match(/(^|,)"?=HYPERLINK/m);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('ejs option injection', () => {
    const INJECT = [
      `settings[view options][outputFunctionName]=x;process.mainModule.require('fs').writeFileSync('/tmp/wv-ejs-pwned','1');x`,
      'settings[view options][client]=true',
      `settings[view options][escapeFunction]=function(){return 'PWNED'}`,
      'layout=../../package.json',
      'cache=true',
      'filename=/etc/passwd',
      'root=/',
      'views=/etc',
      'delimiter=%3F',
      'localsName=PWNED',
      'debug=true',
      'compileDebug=true',
      '_with=false',
      'strict=true',
      'async=true',
      'title=PWNED',
      'user[role]=admin',
    ].join('&');
    const normalise = (html: string) => html.replace(/(name="_csrf" value=|data-csrf=)"[^"]*"/g, '$1""');

    it('18. request data never reaches res.render options: the same pages with and without the query', async () => {
      const c = await openTemplateCampaign();
      const a = await signIn(app, 'lead');
      const anon = request.agent(app);
      const cases: Array<[TestAgent, string, number]> = [
        [anon, '/', 200],
        [anon, '/login', 200],
        [anon, `/r/${c.publicToken}`, 200],
        [anon, '/does-not-exist', 404],
        [a.agent, '/lead', 200],
        [a.agent, '/account', 200],
      ];
      for (const [agent, path, status] of cases) {
        const plain = await agent.get(path).set('Accept-Language', 'en').expect(status);
        const injected = await agent.get(`${path}?${encodeURI(INJECT)}`).set('Accept-Language', 'en').expect(status);
        expect(normalise(injected.text), path).to.equal(normalise(plain.text));
        expect(injected.text).not.to.match(/PWNED|"dependencies"|root:x:0/);
      }
      // … and form bodies do not reach them either.
      const csrf = csrfFrom((await anon.get('/login').expect(200)).text);
      const login = await anon
        .post('/login')
        .set('Accept-Language', 'en')
        .type('form')
        .send(`_csrf=${encodeURIComponent(csrf)}&email=x%40example.test&password=wrong&${encodeURI(INJECT)}`)
        .expect(401);
      expect(login.text).to.include(enText('auth.login.failed'));
      expect(login.text).not.to.match(/PWNED|"dependencies"/);
      const { existsSync } = await import('node:fs');
      expect(existsSync('/tmp/wv-ejs-pwned')).to.equal(false);
    });
  });
  // -------------------------------------------------------------------------------------------
  describe('CSRF', () => {
    it('19. staff form without token, with a wrong token, or cross-site (Origin elsewhere) → 403 with a clear page, nothing changed', async () => {
      const a = await signIn(app, 'lead');
      const c = await draftOf(a.user.id);
      const snap = await snapshot(c._id);
      const before = await counts();
      const attempts = [
        a.agent.post(`/lead/campaigns/${String(c._id)}/status`).type('form').send({ status: 'open' }),
        a.agent.post(`/lead/campaigns/${String(c._id)}/status`).type('form').send({ status: 'open', _csrf: 'forged' }),
        a.agent.post(`/lead/campaigns/${String(c._id)}/status`).type('form').set('Origin', 'https://evil.example').set('Referer', 'https://evil.example/x').send({ status: 'open' }),
        // A token that differs from the real one in its last character (never equal by chance).
        a.agent.post('/lead/campaigns').type('form').send(templateForm({ _csrf: `${a.csrf.slice(0, -1)}${a.csrf.endsWith('0') ? '1' : '0'}` })),
      ];
      for (const res of await Promise.all(attempts.map((r) => r.set('Accept-Language', 'en')))) {
        expect(res.status).to.equal(403);
        expect(res.text).to.include(enText('errors.code.csrf_failed'));
        expectNoInternals(res.text);
      }
      const json = await a.agent.post(`/lead/campaigns/${String(c._id)}/status`).set('Accept', 'application/json').send({ status: 'open' }).expect(403);
      expect(json.body.error.code).to.equal('csrf_failed');
      expect(await snapshot(c._id)).to.equal(snap);
      expect(await counts()).to.deep.equal(before);
    });

    it('20. a token from another staff session (form field or header) → 403, nothing changed', async () => {
      const a = await signIn(app, 'lead');
      const b = await signIn(app, 'lead');
      const c = await draftOf(a.user.id);
      const snap = await snapshot(c._id);
      await a.agent.post(`/lead/campaigns/${String(c._id)}/status`).type('form').send({ status: 'open', _csrf: b.csrf }).expect(403);
      await a.agent.post(`/lead/campaigns/${String(c._id)}/status`).set('X-CSRF-Token', b.csrf).send({ status: 'open' }).expect(403);
      await a.agent.post('/account/tokens').type('form').send({ name: 'x', _csrf: b.csrf }).expect(403);
      expect(await snapshot(c._id)).to.equal(snap);
      expect(await ApiTokenModel.countDocuments({ userId: a.user.id })).to.equal(0);
      // A signed-out browser's token does not work in a signed-in one either.
      const anon = request.agent(app);
      const anonCsrf = csrfFrom((await anon.get('/login').expect(200)).text);
      await a.agent.post(`/lead/campaigns/${String(c._id)}/status`).type('form').send({ status: 'open', _csrf: anonCsrf }).expect(403);
      expect(await snapshot(c._id)).to.equal(snap);
    });

    it('21. respondent form: a token of another device or campaign → 403, no draft and no response', async () => {
      const c = await openTemplateCampaign();
      const other = await openTemplateCampaign();
      const device1 = request.agent(app);
      const device2 = request.agent(app);
      await respondentCsrf(device1, c.publicToken);
      const token2 = await respondentCsrf(device2, c.publicToken);
      const otherCampaignToken = await respondentCsrf(device1, other.publicToken);
      await device1.post(`/r/${c.publicToken}/start`).set('Accept-Language', 'en').type('form').send({ lang: 'de', consent: 'yes', _csrf: token2 }).expect(403);
      const res = await device1.post(`/r/${c.publicToken}/start`).set('Accept-Language', 'en').type('form').send({ lang: 'de', consent: 'yes', _csrf: otherCampaignToken }).expect(403);
      expect(res.text).to.include(enText('errors.code.csrf_failed'));
      // A cross-site page cannot use the device's cookie without the token either.
      await device1.post(`/r/${c.publicToken}/submit`).set('Origin', 'https://evil.example').type('form').send({ submissionId: subId(), ...prefix(ANSWERS_DE) }).expect(403);
      expect(await DraftModel.countDocuments({ campaignId: c._id })).to.equal(0);
      expect(await ResponseModel.countDocuments({ campaignId: c._id })).to.equal(0);
    });

    it('22. fetch autosave without the header, with a wrong one, or with another device’s → 403 JSON, the draft unchanged', async () => {
      const c = await openTemplateCampaign();
      const mine = await consented(c.publicToken);
      const theirs = await consented(c.publicToken);
      await mine.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', mine.csrf).send({ answers: { q1: 'Original' } }).expect(200);
      const draft = JSON.stringify(await DraftModel.find({ campaignId: c._id }).sort({ _id: 1 }).lean());
      for (const header of [undefined, 'forged', theirs.csrf]) {
        const req = mine.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json');
        if (header) req.set('X-CSRF-Token', header);
        const res = await req.send({ answers: { q1: 'Überschrieben' } }).expect(403);
        expect(res.body.error.code).to.equal('csrf_failed');
        expect(res.body.error.message).to.be.a('string').and.not.to.equal('');
      }
      expect(JSON.stringify(await DraftModel.find({ campaignId: c._id }).sort({ _id: 1 }).lean())).to.equal(draft);
    });

    it('23. an invalid Bearer token next to a session cookie neither skips CSRF for the cookie user nor acts as them', async () => {
      const a = await signIn(app, 'lead');
      const c = await draftOf(a.user.id);
      const before = await counts();
      const snap = await snapshot(c._id);
      const res = await a.agent.post('/lead/campaigns').set('Authorization', 'Bearer wv_not-a-real-token').set('Accept', 'application/json').send({ ...interviewTemplate() }).expect(401);
      expect(res.body.error.code).to.equal('unauthenticated');
      await a.agent.post(`/lead/campaigns/${String(c._id)}/status`).set('Authorization', 'Bearer junk').type('form').send({ status: 'open' }).expect(401);
      await a.agent.post('/api/v1/campaigns').set('Authorization', 'Bearer junk').send(interviewTemplate()).expect(401);
      expect(await counts()).to.deep.equal(before);
      expect(await snapshot(c._id)).to.equal(snap);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('IDOR across campaigns and roles', () => {
    it('24. lead B on lead A’s campaign: every state-changing route is 404 and nothing changes', async () => {
      const a = await signIn(app, 'lead');
      const b = await signIn(app, 'lead');
      const c = await openOf(a.user.id, { title: 'Geheim A' });
      const rid = await submitted(c.publicToken, { ...ANSWERS_DE, q1: 'Antwort nur für A' });
      const admin = await staffClient(app, 'admin');
      await admin.post(`/lead/campaigns/${String(c._id)}/participants/import`).field('csv', 'email\nx@example.com\n').field('action', 'confirm').expect(303);
      const id = String(c._id);
      const snap = await snapshot(c._id);
      const participants = JSON.stringify(await ParticipantModel.find({ campaignId: c._id }).lean());
      const before = await counts();
      const post = (path: string, body: Record<string, string> = {}) => b.agent.post(path).set('Accept-Language', 'en').type('form').send({ ...body, _csrf: b.csrf });
      const attempts = [
        post(`/lead/campaigns/${id}`, templateForm({ title: 'von B' }) as Record<string, string>),
        post(`/lead/campaigns/${id}/status`, { status: 'closed' }),
        post(`/lead/campaigns/${id}/members`, { email: b.user.email, as: 'coLead' }),
        post(`/lead/campaigns/${id}/responses/${rid}/delete`),
        post(`/lead/campaigns/${id}/participants/export`),
        post(`/lead/campaigns/${id}/participants/public-link`, { enabled: 'off' }),
        post(`/lead/campaigns/${id}/participants/settings`, { minGroupSize: '3', reminderAfterDays: '1', maxReminders: '1' }),
        b.agent.post(`/lead/campaigns/${id}/participants/import`).set('X-CSRF-Token', b.csrf).field('csv', 'email\ny@example.com\n').field('action', 'confirm'),
        b.agent.get(`/lead/campaigns/${id}/responses/${rid}`),
        b.agent.get(`/api/v1/campaigns/${id}/responses`),
      ];
      for (const [i, res] of (await Promise.all(attempts)).entries()) {
        expect(res.status, `attempt ${i}`).to.equal(404);
        expect(res.text).not.to.include('Geheim A');
        expect(res.text).not.to.include('Antwort nur für A');
        expectNoInternals(res.text);
      }
      expect(await snapshot(c._id)).to.equal(snap);
      expect(JSON.stringify(await ParticipantModel.find({ campaignId: c._id }).lean())).to.equal(participants);
      expect(await counts()).to.deep.equal(before);
      // B's list and API do not show it either.
      expect((await b.agent.get('/lead').expect(200)).text).not.to.include('Geheim A');
      const { header } = await apiAuth('lead');
      await request(app).put(`/api/v1/campaigns/${id}`).set('Authorization', header).send(interviewTemplate()).expect(404);
      await request(app).post(`/api/v1/campaigns/${id}/status`).set('Authorization', header).send({ status: 'closed' }).expect(404);
    });

    it('25. response ids of another campaign (same lead or another lead) → 404 on read and delete; the response stays', async () => {
      const a = await signIn(app, 'lead');
      const x = await openOf(a.user.id);
      const y = await openOf(a.user.id);
      const foreign = await openTemplateCampaign();
      const ridY = await submitted(y.publicToken, { ...ANSWERS_DE, q1: 'Antwort in Y' });
      const ridForeign = await submitted(foreign.publicToken, { ...ANSWERS_DE, q1: 'Antwort fremd' });
      const X = String(x._id);
      for (const rid of [ridY, ridForeign, 'd_' + 'A'.repeat(43), encodeURIComponent('{"$ne":null}'), '..%2F..%2Fx']) {
        const page = await a.agent.get(`/lead/campaigns/${X}/responses/${rid}`).set('Accept-Language', 'en');
        expect(page.status, rid).to.equal(404);
        expect(page.text).not.to.match(/Antwort in Y|Antwort fremd/);
        await a.agent.post(`/lead/campaigns/${X}/responses/${rid}/delete`).type('form').send({ _csrf: a.csrf }).expect(404);
        const api = await a.agent.get(`/api/v1/campaigns/${X}/responses/${rid}`).expect(404);
        expect(api.text).not.to.match(/Antwort in Y|Antwort fremd/);
      }
      expect(await ResponseModel.countDocuments({ _id: mongoose.trusted({ $in: [ridY, ridForeign] }) })).to.equal(2);
      // A draft's id is never readable as a response.
      const agent = await consented(x.publicToken);
      await agent.post(`/r/${x.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).send({ answers: { q1: 'nur ein Entwurf' } }).expect(200);
      const draft = await DraftModel.findOne({ campaignId: x._id }).lean();
      const res = await a.agent.get(`/lead/campaigns/${X}/responses/${String(draft!._id)}`).expect(404);
      expect(res.text).not.to.include('nur ein Entwurf');
    });

    it('26. a stakeholder reads the overview only: single answers, participants and every write are 404; API writes refused', async () => {
      const a = await signIn(app, 'lead');
      const st = await signIn(app, 'stakeholder');
      const c = await openOf(a.user.id);
      await setMember(String(c._id), new mongoose.Types.ObjectId(st.user.id), 'stakeholder', true);
      const rid = await submitted(c.publicToken, { ...ANSWERS_DE, q1: 'Einzelantwort' });
      const id = String(c._id);
      await st.agent.get(`/lead/campaigns/${id}`).expect(200);
      for (const path of [`/lead/campaigns/${id}/responses`, `/lead/campaigns/${id}/responses/${rid}`, `/lead/campaigns/${id}/questions/q1`, `/lead/campaigns/${id}/participants`, `/api/v1/campaigns/${id}/responses`]) {
        const res = await st.agent.get(path);
        expect(res.status, path).to.equal(404);
        expect(res.text).not.to.include('Einzelantwort');
      }
      const snap = await snapshot(c._id);
      for (const [path, body] of [
        [`/lead/campaigns/${id}/status`, { status: 'closed' }],
        [`/lead/campaigns/${id}/members`, { email: st.user.email, as: 'coLead' }],
        [`/lead/campaigns/${id}/responses/${rid}/delete`, {}],
        [`/lead/campaigns/${id}/participants/public-link`, { enabled: 'off' }],
      ] as const) {
        await st.agent.post(path).type('form').send({ ...body, _csrf: st.csrf }).expect(404);
      }
      await st.agent.post('/lead/campaigns').type('form').send({ ...templateForm(), _csrf: st.csrf }).expect(403);
      const { header } = await apiAuth('stakeholder');
      await request(app).post('/api/v1/campaigns').set('Authorization', header).send(interviewTemplate()).expect(403);
      expect(await snapshot(c._id)).to.equal(snap);
      expect(await ResponseModel.countDocuments({ _id: rid })).to.equal(1);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('token guessing', () => {
    const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
    /** Median response time of each URL, measured interleaved so drift hits both alike. */
    async function medians(urls: Array<() => string>, rounds = 25): Promise<number[]> {
      const times: number[][] = urls.map(() => []);
      for (let i = 0; i < rounds; i += 1) {
        for (const [j, url] of urls.entries()) {
          const t0 = process.hrtime.bigint();
          await request(app).get(url()).set('Accept-Language', 'en');
          times[j].push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }
      return times.map(median);
    }
    const body = (r: request.Response) => r.text.replace(/href="\/[pr]\/[^"?]*\?lang=/g, 'href="PATH?lang=');
    let n = 0;
    const fresh = (len: number) => {
      n += 1;
      return `${String(n).padStart(6, '0')}${'B'.repeat(len - 6)}`;
    };

    it('27. personal links /p/<token>: malformed and unknown tokens get the same status and body, no cookie, similar timing', async () => {
      const c = await openTemplateCampaign();
      const admin = await staffClient(app, 'admin');
      await admin.post(`/lead/campaigns/${String(c._id)}/participants/import`).field('csv', 'email\nreal@example.com\n').field('action', 'confirm').expect(303);
      await admin.post(`/lead/campaigns/${String(c._id)}/participants/export`).expect(200);
      const before = JSON.stringify(await ParticipantModel.find({ campaignId: c._id }).lean());
      const malformed = ['x', '%27%24ne%22', '..%2F..%2Fetc%2Fpasswd', 'A'.repeat(300), '%7B%22%24ne%22%3Anull%7D'];
      const unknown = await request(app).get(`/p/${fresh(43)}`).set('Accept-Language', 'en').expect(404);
      expect(unknown.headers['set-cookie']).to.equal(undefined);
      for (const m of malformed) {
        const res = await request(app).get(`/p/${m}`).set('Accept-Language', 'en');
        expect(res.status, m).to.equal(404);
        expect(body(res), m).to.equal(body(unknown));
        expect(res.headers['set-cookie'], m).to.equal(undefined);
      }
      const [tMalformed, tUnknown] = await medians([() => `/p/x${fresh(10)}`, () => `/p/${fresh(43)}`]);
      expect(Math.max(tMalformed, tUnknown), `medians ${tMalformed.toFixed(1)} / ${tUnknown.toFixed(1)} ms`).to.be.below(3 * Math.min(tMalformed, tUnknown) + 5);
      expect(JSON.stringify(await ParticipantModel.find({ campaignId: c._id }).lean())).to.equal(before);
    });

    it('28. campaign links /r/<token>: malformed and unknown tokens get the same status and body, similar timing, nothing stored', async () => {
      await openTemplateCampaign();
      // A device with a valid CSRF token (of another campaign), set up before counting.
      const device = request.agent(app);
      const csrf = await respondentCsrf(device, (await openOf((await makeUser('lead')).id)).publicToken);
      const before = await counts();
      const unknown = await request(app).get(`/r/${fresh(22)}`).set('Accept-Language', 'en').expect(404);
      expect(unknown.text).to.include(enText('respond.unavailable.title'));
      for (const m of ['x', '%27%24ne%22', 'A'.repeat(100), '%7B%22%24ne%22%3Anull%7D', `${'A'.repeat(21)}%00`]) {
        const res = await request(app).get(`/r/${m}`).set('Accept-Language', 'en');
        expect(res.status, m).to.equal(404);
        expect(body(res), m).to.equal(body(unknown));
      }
      // With a valid CSRF token of the device, so the token itself is judged (not the CSRF check).
      for (const m of ['x', fresh(22)]) {
        const post = await device.post(`/r/${m}/start`).type('form').send({ _csrf: csrf, lang: 'de', consent: 'yes' });
        expect(post.status, m).to.equal(404);
      }
      const [tMalformed, tUnknown] = await medians([() => `/r/x${fresh(8)}`, () => `/r/${fresh(22)}`]);
      expect(Math.max(tMalformed, tUnknown), `medians ${tMalformed.toFixed(1)} / ${tUnknown.toFixed(1)} ms`).to.be.below(3 * Math.min(tMalformed, tUnknown) + 5);
      expect(await counts()).to.deep.equal(before);
    });
  });
  // -------------------------------------------------------------------------------------------
  describe('X-Forwarded-* spoofing with trust proxy off', () => {
    it('29. X-Forwarded-Host/Proto/For change neither the links shown to leads nor cookie flags, and no address is stored', async () => {
      const a = await signIn(app, 'lead');
      const c = await openOf(a.user.id);
      const spoof = { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.66, 10.0.0.1', Forwarded: 'for=203.0.113.66;host=evil.example;proto=https' };
      const show = await a.agent.get(`/lead/campaigns/${String(c._id)}`).set(spoof).expect(200);
      expect(show.text).not.to.include('evil.example');
      expect(show.text).to.match(new RegExp(`http://127\\.0\\.0\\.1:\\d+/r/${c.publicToken}`));
      const api = await a.agent.get(`/api/v1/campaigns/${String(c._id)}`).set(spoof).expect(200);
      expect(api.body.link).to.match(/^http:\/\/127\.0\.0\.1:\d+\/r\//);
      const admin = await staffClient(app, 'admin');
      await admin.post(`/lead/campaigns/${String(c._id)}/participants/import`).field('csv', 'email\nfwd@example.com\n').field('action', 'confirm').expect(303);
      const exported = await admin.post(`/lead/campaigns/${String(c._id)}/participants/export`).set(spoof).expect(200);
      expect(exported.text).not.to.include('evil.example');
      // "https" from a header does not make the app believe the connection is secure.
      const respondent = request.agent(app);
      const welcome = await respondent.get(`/r/${c.publicToken}`).set(spoof).expect(200);
      const cookie = ([] as string[]).concat(welcome.headers['set-cookie'] ?? []).find((x) => x.startsWith('wv_resume='));
      expect(cookie).to.be.a('string');
      expect(cookie).not.to.match(/;\s*Secure/i);
      const csrf = csrfFrom(welcome.text);
      await respondent.post(`/r/${c.publicToken}/start`).set(spoof).type('form').send({ lang: 'de', consent: 'yes', _csrf: csrf }).expect(303);
      await respondent.post(`/r/${c.publicToken}/submit`).set(spoof).set('User-Agent', 'Spoofed/1.0').type('form').send({ _csrf: csrf, submissionId: subId(), ...prefix(ANSWERS_DE) }).expect(303);
      const stored = JSON.stringify(await ResponseModel.find({ campaignId: c._id }).lean());
      expect(stored).not.to.match(/203\.0\.113|10\.0\.0\.1|127\.0\.0\.1|::ffff|Spoofed/);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('duplicate and concurrent submissions', () => {
    it('30. ten concurrent submits from one device (different submission ids) → exactly one response, every request ends on "thanks"', async () => {
      // Found by this catalogue: a submit that read "no response yet" and then "no draft" (the winner
      // had just swapped them) answered 404; it now finds the winner's response.
      const c = await openTemplateCampaign();
      const agent = await consented(c.publicToken);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => agent.post(`/r/${c.publicToken}/submit`).type('form').send({ _csrf: agent.csrf, submissionId: subId(), ...prefix({ ...ANSWERS_DE, q1: `Version ${i}` }) })),
      );
      expect(results.map((r) => r.status)).to.deep.equal(Array(10).fill(303));
      expect(results.every((r) => r.headers.location === `/r/${c.publicToken}/thanks`)).to.equal(true);
      const stored = await ResponseModel.find({ campaignId: c._id }).lean();
      expect(stored).to.have.length(1);
      expect(answerText(stored[0], 'q1')).to.match(/^Version \d$/);
      expect(await DraftModel.countDocuments({ campaignId: c._id })).to.equal(0);
    });

    it('31. ten concurrent API posts with one submission id → one 201, nine 200 with the same id, one document', async () => {
      const { header, user } = await apiAuth('lead');
      const c = await openOf(user.id);
      const body = { submissionId: 'concurrent-api-0001', lang: 'de', consent: true, answers: ANSWERS_DE };
      const results = await Promise.all(Array.from({ length: 10 }, () => request(app).post(`/api/v1/campaigns/${String(c._id)}/responses`).set('Authorization', header).send(body)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.body.id)).size).to.equal(1);
      expect(await ResponseModel.countDocuments({ campaignId: c._id })).to.equal(1);
    });

    it('32. one personal link on ten devices submitting at once → exactly one response, the others 409', async () => {
      // Found by this catalogue: the claim was a conditional findOneAndUpdate, which FerretDB does
      // not run atomically; five of ten devices got through. Now a unique-_id lock decides.
      const c = await openTemplateCampaign();
      const admin = await staffClient(app, 'admin');
      await admin.post(`/lead/campaigns/${String(c._id)}/participants/import`).field('csv', 'email\nonce@example.com\n').field('action', 'confirm').expect(303);
      const exported = await admin.post(`/lead/campaigns/${String(c._id)}/participants/export`).expect(200);
      const token = /\/p\/([A-Za-z0-9_-]{43})/.exec(exported.text)![1];
      const devices = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const agent = request.agent(app);
          await agent.get(`/p/${token}`).expect(303);
          const csrf = await respondentCsrf(agent, c.publicToken);
          await agent.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes', _csrf: csrf }).expect(303);
          return { agent, csrf };
        }),
      );
      const results = await Promise.all(devices.map(({ agent, csrf }) => agent.post(`/r/${c.publicToken}/submit`).set('Accept-Language', 'en').type('form').send({ _csrf: csrf, submissionId: subId(), ...prefix(ANSWERS_DE) })));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).to.deep.equal([303, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      expect(results.find((r) => r.status === 409)!.text).to.include(enText('respond.already_responded.title'));
      expect(await ResponseModel.countDocuments({ campaignId: c._id })).to.equal(1);
      expect((await ParticipantModel.findOne({ campaignId: c._id }).lean())!.status).to.equal('responded');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('closed, draft and deleted campaigns', () => {
    it('33. closed: consent, autosave and submit (form and JSON) → 410 with the closed message; draft-state link = unknown link', async () => {
      const c = await openTemplateCampaign();
      const agent = await consented(c.publicToken);
      const fresh = request.agent(app);
      const csrf = await respondentCsrf(fresh, c.publicToken);
      await changeStatus(String(c._id), 'closed');
      const before = await counts();
      const draftsBefore = JSON.stringify(await DraftModel.find({ campaignId: c._id }).lean());
      const start = await fresh.post(`/r/${c.publicToken}/start`).set('Accept-Language', 'en').type('form').send({ lang: 'en', consent: 'yes', _csrf: csrf }).expect(410);
      expect(start.text).to.include(enText('respond.closed.text'));
      const json = await agent.post(`/r/${c.publicToken}/submit`).set('Accept', 'application/json').set('Accept-Language', 'en').set('X-CSRF-Token', agent.csrf).send({ submissionId: subId(), answers: ANSWERS_DE }).expect(410);
      expect(json.body.error).to.deep.equal({ code: 'campaign_closed', message: en('respond.closed.text') });
      await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).send({ answers: { q1: 'zu spät' } }).expect(410);
      expect(await counts()).to.deep.equal(before);
      expect(JSON.stringify(await DraftModel.find({ campaignId: c._id }).lean())).to.equal(draftsBefore);

      const { user } = await apiAuth('lead');
      const draft = await draftOf(user.id);
      const draftPage = await request(app).get(`/r/${draft.publicToken}`).set('Accept-Language', 'en').expect(404);
      const unknownPage = await request(app).get(`/r/${'C'.repeat(22)}`).set('Accept-Language', 'en').expect(404);
      const norm = (r: request.Response) => r.text.replace(/href="\/r\/[^"?]*\?lang=/g, 'href="PATH?lang=');
      expect(norm(draftPage)).to.equal(norm(unknownPage));
      expect(draftPage.text).not.to.include(draft.title);
    });

    it('34. deleted: a device with a draft, a personal link and the API all get 404, nothing is stored', async () => {
      const { header, user } = await apiAuth('lead');
      const c = await openOf(user.id);
      const admin = await staffClient(app, 'admin');
      await admin.post(`/lead/campaigns/${String(c._id)}/participants/import`).field('csv', 'email\ngone@example.com\n').field('action', 'confirm').expect(303);
      const token = /\/p\/([A-Za-z0-9_-]{43})/.exec((await admin.post(`/lead/campaigns/${String(c._id)}/participants/export`).expect(200)).text)![1];
      const agent = await consented(c.publicToken);
      await CampaignModel.deleteOne({ _id: c._id });
      forgetCampaign();
      const before = await counts();
      const submit = await agent.post(`/r/${c.publicToken}/submit`).set('Accept-Language', 'en').type('form').send({ _csrf: agent.csrf, submissionId: subId(), ...prefix(ANSWERS_DE) }).expect(404);
      expect(submit.text).to.include(enText('respond.unavailable.title'));
      await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).send({ answers: { q1: 'x' } }).expect(404);
      await request(app).get(`/p/${token}`).expect(404);
      const api = await request(app).post(`/api/v1/campaigns/${String(c._id)}/responses`).set('Authorization', header).send({ submissionId: 'deleted-0000001', lang: 'de', consent: true, answers: ANSWERS_DE }).expect(404);
      expect(api.body.error.code).to.equal('not_found');
      await request(app).get(`/api/v1/campaigns/${String(c._id)}`).set('Authorization', header).expect(404);
      expect(await counts()).to.deep.equal(before);
    });
  });
  // -------------------------------------------------------------------------------------------
  describe('bodies: size, syntax, encoding, length', () => {
    it('35. malformed JSON → 400 malformed_body; oversized JSON/form → 413; too many fields → 413; nothing stored, no stack trace', async () => {
      // Found by this catalogue: the HTML 413 page itself failed to render (no `currentPath` before
      // the locals middleware) and Express's default page with a stack trace went out.
      const c = await openTemplateCampaign();
      const agent = await consented(c.publicToken);
      await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).send({ answers: { q1: 'Stand vorher' } }).expect(200);
      const draft = JSON.stringify(await DraftModel.find({ campaignId: c._id }).lean());
      const before = await counts();
      const post = () => agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).set('Content-Type', 'application/json');
      const bad = await post().send('{"answers": {"q1": "x"').expect(400);
      expect(bad.body.error.code).to.equal('malformed_body');
      const big = await post().send(JSON.stringify({ answers: { q1: 'x'.repeat(1_100_000) } })).expect(413);
      expect(big.body.error.code).to.equal('payload_too_large');
      const bigForm = await agent.post(`/r/${c.publicToken}/submit`).set('Accept-Language', 'en').type('form').send(`_csrf=${agent.csrf}&answers[q1]=${'x'.repeat(1_100_000)}`).expect(413);
      expect(bigForm.text).to.include(enText('errors.413.title'));
      const many = Array.from({ length: 2100 }, (_, i) => `f${i}=1`).join('&');
      await agent.post(`/r/${c.publicToken}/submit`).type('form').send(`_csrf=${agent.csrf}&${many}`).expect(413);
      for (const res of [bad, big, bigForm]) expectNoInternals(res.text);
      expect(JSON.stringify(await DraftModel.find({ campaignId: c._id }).lean())).to.equal(draft);
      expect(await counts()).to.deep.equal(before);
    });

    it('36. 100,000-character answers → 400 with the field message (autosave, form, API); nothing stored or overwritten', async () => {
      const { header, user } = await apiAuth('lead');
      const c = await openOf(user.id);
      const agent = await consented(c.publicToken, 'en');
      await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).send({ answers: { q1: 'Kurz und gut' } }).expect(200);
      const huge = 'ä'.repeat(100_000);
      const auto = await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).send({ answers: { q1: huge } }).expect(400);
      expect(auto.body.error.fields).to.deep.equal({ 'answers.q1': 'validation.answer_too_long' });
      const form = await agent.post(`/r/${c.publicToken}/submit`).set('Accept-Language', 'en').type('form').send({ _csrf: agent.csrf, submissionId: subId(), ...prefix({ ...ANSWERS_DE, q2: huge }) }).expect(400);
      expect(form.text).to.include(enText('validation.answer_too_long'));
      const api = await request(app)
        .post(`/api/v1/campaigns/${String(c._id)}/responses`)
        .set('Authorization', header)
        .send({ submissionId: 'huge-answer-0001', lang: 'de', consent: true, answers: { ...ANSWERS_DE, q3: huge } })
        .expect(400);
      expect(api.body.error.fields).to.deep.equal({ 'answers.q3': 'validation.answer_too_long' });
      const stored = await DraftModel.findOne({ campaignId: c._id }).lean();
      expect(answerText(stored, 'q1')).to.equal('Kurz und gut');
      expect(answerText(stored, 'q2')).to.equal(undefined);
      expect(await ResponseModel.countDocuments({ campaignId: c._id })).to.equal(0);
    });

    it('37. invalid UTF-8 bytes and lone surrogates → stored as well-formed text (U+FFFD); a non-UTF-8 JSON charset → 415', async () => {
      const c = await openTemplateCampaign();
      const agent = await consented(c.publicToken);
      // Raw bytes 0xFF 0xFE and a truncated "ü" (0xC3) inside a JSON string.
      const json = Buffer.concat([Buffer.from('{"answers":{"q1":"A'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('B","q2":"\\ud800 allein"}}')]);
      // `serialize` keeps the bytes as they are (superagent would JSON-encode a Buffer).
      const raw = <T>(b: T) => b as unknown as string;
      await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).set('Content-Type', 'application/json').serialize(raw).send(json).expect(200);
      const draft = await DraftModel.findOne({ campaignId: c._id }).lean();
      for (const key of ['q1', 'q2']) expect(answerText(draft, key)!.isWellFormed(), key).to.equal(true);
      expect(answerText(draft, 'q1')).to.match(/^A\uFFFD+B$/);
      expect(answerText(draft, 'q2')).to.equal('\uFFFD allein');
      const latin1 = await agent
        .post(`/r/${c.publicToken}/autosave`)
        .set('Accept', 'application/json')
        .set('X-CSRF-Token', agent.csrf)
        .set('Content-Type', 'application/json; charset=latin1')
        .serialize(raw)
        .send(Buffer.from('{"answers":{"q1":"M\xfcller"}}', 'latin1'))
        .expect(415);
      expect(latin1.body.error.code).to.equal('unsupported_encoding');
      // A form: raw bytes and a broken percent escape (%FF is not UTF-8).
      const form = Buffer.concat([
        Buffer.from(`_csrf=${agent.csrf}&submissionId=${subId()}&${new URLSearchParams(prefix({ q1: ANSWERS_DE.q1, q2: ANSWERS_DE.q2, q4: ANSWERS_DE.q4 })).toString()}&answers[q3]=X`),
        Buffer.from([0xff]),
        Buffer.from('Y%FFZ'),
      ]);
      await agent.post(`/r/${c.publicToken}/submit`).set('Content-Type', 'application/x-www-form-urlencoded').serialize(raw).send(form).expect(303);
      const response = await ResponseModel.findOne({ campaignId: c._id }).lean();
      const q3 = answerText(response, 'q3')!;
      expect(q3.isWellFormed()).to.equal(true);
      expect(q3).to.match(/^X\uFFFDY(%FF|\uFFFD)Z$/);
    });

    it('38. RTL, emoji and combining characters are stored (NFC) and shown exactly, on respondent and lead pages and in the API', async () => {
      const a = await signIn(app, 'lead');
      const c = await openOf(a.user.id, { title: 'استطلاع מקום העבודה 🏢' });
      const texts = {
        q1: 'نستخدم البريد الإلكتروني و Teams كل يوم',
        q2: 'עבודה מכל מקום – גם ברכבת 🚆',
        q3: 'Zu viele Tools 👩🏽‍💻🧑‍🤝‍🧑 und 🇩🇪-Flaggen',
        q4: 'Cafe\u0301 mit \u202Eüberschrieben\u202C Richtung',
      };
      const agent = await consented(c.publicToken);
      const welcome = await request(app).get(`/r/${c.publicToken}`).set('Accept-Language', 'de').expect(200);
      expect(welcome.text).to.include('استطلاع מקום העבודה 🏢');
      await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).send({ answers: texts }).expect(200);
      const page = await agent.get(`/r/${c.publicToken}/answer`).set('Accept-Language', 'de').expect(200);
      for (const t of Object.values(texts)) expect(page.text).to.include(esc(t.normalize('NFC')));
      await agent.post(`/r/${c.publicToken}/submit`).type('form').send({ _csrf: agent.csrf, submissionId: subId(), ...prefix(texts) }).expect(303);
      const stored = await ResponseModel.findOne({ campaignId: c._id }).lean();
      expect(answerText(stored, 'q4')).to.equal('Café mit \u202Eüberschrieben\u202C Richtung');
      expect(answerText(stored, 'q3')).to.equal(texts.q3);
      const shown = await a.agent.get(`/lead/campaigns/${String(c._id)}/responses/${String(stored!._id)}`).set('Accept-Language', 'de').expect(200);
      expect(shown.headers['content-type']).to.match(/charset=utf-8/i);
      for (const t of Object.values(texts)) expect(shown.text).to.include(esc(t.normalize('NFC')));
      const api = await a.agent.get(`/api/v1/campaigns/${String(c._id)}/responses/${String(stored!._id)}`).expect(200);
      expect(api.body.answers.q1.text).to.equal(texts.q1);
      expect(api.body.answers.q2.text).to.equal(texts.q2);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('passwords over 72 bytes', () => {
    it('39. accepted up to 256 characters (every byte counts, no 72-byte truncation); 257 refused with a message, nothing created', async () => {
      const admin = await staffClient(app, 'admin');
      const long = 'ü'.repeat(100) + ' lang'; // 205 bytes in UTF-8
      await admin.post('/admin/users').type('form').send({ email: 'long-pw@example.test', name: 'Lang', role: 'lead', password: long }).expect(303);
      const max = 'p'.repeat(256);
      await admin.post('/admin/users').type('form').send({ email: 'max-pw@example.test', role: 'lead', password: max }).expect(303);
      const before = await counts();
      const tooLong = await admin.post('/admin/users').set('Accept-Language', 'en').type('form').send({ email: 'too-long@example.test', role: 'lead', password: 'p'.repeat(257) }).expect(400);
      expect(tooLong.text).to.include(enText('validation.password_too_long'));
      expect(tooLong.text).to.include('too-long@example.test');
      expect(await counts()).to.deep.equal(before);
      expect(await UserModel.countDocuments({ email: 'too-long@example.test' })).to.equal(0);

      const login = async (email: string, password: string) => {
        const agent = request.agent(app);
        const csrf = csrfFrom((await agent.get('/login').expect(200)).text);
        return agent.post('/login').set('Accept-Language', 'en').type('form').send({ _csrf: csrf, email, password });
      };
      expect((await login('long-pw@example.test', long)).status).to.equal(303);
      expect((await login('max-pw@example.test', max)).status).to.equal(303);
      // The first 72 bytes alone are NOT the password (no bcrypt-style truncation).
      const prefix72 = Buffer.from(long).subarray(0, 72).toString();
      const wrong = await login('long-pw@example.test', prefix72);
      expect(wrong.status).to.equal(401);
      expect(wrong.text).to.include(enText('auth.login.failed'));
      expect((await login('max-pw@example.test', 'p'.repeat(255))).status).to.equal(401);
      // Over-long input at login is a plain "wrong password", not an error page.
      const overlong = await login('max-pw@example.test', 'p'.repeat(300));
      expect(overlong.status).to.equal(401);
      expect(overlong.text).to.include(enText('auth.login.failed'));
    });

    it('40. changing to a password over 256 characters → 400 with a message; the old password keeps working', async () => {
      const s = await signIn(app, 'lead');
      const hash = (await UserModel.findById(s.user.id).lean())!.passwordHash;
      const res = await s.agent
        .post('/account/password')
        .set('Accept-Language', 'de')
        .type('form')
        .send({ _csrf: s.csrf, currentPassword: s.user.password, newPassword: 'ß'.repeat(257) })
        .expect(400);
      expect(res.text).to.include(esc(de('validation.password_too_long')));
      expect((await UserModel.findById(s.user.id).lean())!.passwordHash).to.equal(hash);
      await s.agent.get('/account').expect(200);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('two leads editing one campaign', () => {
    it('41. owner and co-lead save the same version: the second gets 409 with its input kept; after opening, 409 "locked" keeps it too', async () => {
      const a = await signIn(app, 'lead');
      const b = await signIn(app, 'lead');
      const created = await a.agent.post('/lead/campaigns').type('form').send({ ...templateForm(), _csrf: a.csrf }).expect(303);
      const id = /\/lead\/campaigns\/([a-f0-9]{24})/.exec(created.headers.location)![1];
      await a.agent.post(`/lead/campaigns/${id}/members`).type('form').send({ _csrf: a.csrf, email: b.user.email, as: 'coLead' }).expect(303);
      const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)![1];
      const va = versionOf((await a.agent.get(`/lead/campaigns/${id}/edit`).expect(200)).text);
      const vb = versionOf((await b.agent.get(`/lead/campaigns/${id}/edit`).expect(200)).text);
      expect(va).to.equal(vb);
      await a.agent.post(`/lead/campaigns/${id}`).type('form').send({ ...templateForm({ title: 'Fassung A', version: va }), _csrf: a.csrf }).expect(303);
      const second = await b.agent
        .post(`/lead/campaigns/${id}`)
        .set('Accept-Language', 'en')
        .type('form')
        .send({ ...templateForm({ title: 'Fassung B', 'questions[1][prompt_de]': 'Bs neue Frage <b>?', version: vb }), _csrf: b.csrf })
        .expect(409);
      expect(second.text).to.include(enText('lead.form.conflict'));
      expect(second.text).to.include('value="Fassung B"');
      expect(second.text).to.include('Bs neue Frage &lt;b&gt;?');
      const stored = await CampaignModel.findById(id).lean();
      expect(stored!.title).to.equal('Fassung A');
      expect(stored!.questions[1].prompt!.de).to.equal('Frage q2?');

      // B reloads, but A opens the campaign before B saves: locked, input still kept.
      const vb2 = versionOf((await b.agent.get(`/lead/campaigns/${id}/edit`).expect(200)).text);
      await a.agent.post(`/lead/campaigns/${id}/status`).type('form').send({ _csrf: a.csrf, status: 'open' }).expect(303);
      const locked = await b.agent.post(`/lead/campaigns/${id}`).set('Accept-Language', 'en').type('form').send({ ...templateForm({ title: 'Fassung B2', version: vb2 }), _csrf: b.csrf }).expect(409);
      expect(locked.text).to.include(enText('lead.form.locked'));
      expect(locked.text).to.include('value="Fassung B2"');
      expect((await CampaignModel.findById(id).lean())!.title).to.equal('Fassung A');
    });
  });
});
