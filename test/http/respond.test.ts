import { expect } from 'chai';
import request from 'supertest';
import { changeStatus } from '../../src/campaigns/campaign.service.js';
import { flushDraftDeletes } from '../../src/responses/draft-cleanup.js';
import { DraftModel, ResponseModel } from '../../src/responses/response.model.js';
import { CONSENT_VERSION } from '../../src/responses/response.service.js';
import { csrfFrom, respondentCsrf, testApp } from '../helpers/app.js';
import { ANSWERS_DE, openTemplateCampaign } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

describe('respondent flow (/r/:token)', () => {
  useTestDb('respond');
  const app = testApp();

  /** A respondent's browser that has consented; `csrf` is its session's token. */
  async function consented(token: string, lang = 'de') {
    const agent = request.agent(app);
    const welcome = await agent.get(`/r/${token}`).expect(200);
    const csrf = csrfFrom(welcome.text);
    await agent.post(`/r/${token}/start`).type('form').send({ lang, consent: 'yes', _csrf: csrf }).expect(303);
    return Object.assign(agent, { csrf });
  }

  it('when the link is opened, then it shows the consent page in the Accept-Language language', async () => {
    const c = await openTemplateCampaign();
    const res = await request(app).get(`/r/${c.publicToken}`).set('Accept-Language', 'en-GB,en;q=0.9,de;q=0.5').expect(200);
    expect(res.text).to.include('<html lang="en">');
    expect(res.text).to.include('What happens with your answers');
    expect(await ResponseModel.countDocuments({ campaignId: c._id })).to.equal(0);
    expect(await DraftModel.countDocuments({ campaignId: c._id })).to.equal(0);
  });

  it('when consent is missing, then 400 with an error summary and nothing is stored', async () => {
    const c = await openTemplateCampaign();
    const agent = request.agent(app);
    const csrf = csrfFrom((await agent.get(`/r/${c.publicToken}`).expect(200)).text);
    const res = await agent.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', _csrf: csrf }).expect(400);
    expect(res.text).to.include('error-summary');
    // The template campaign says "Du" (its questions do): so does every interface text.
    expect(res.text).to.include('Bitte bestätige die Einwilligung');
    expect(await DraftModel.countDocuments({ campaignId: c._id })).to.equal(0);
  });

  it('when a respondent autosaves and comes back, then the draft is resumed with their answers', async () => {
    const c = await openTemplateCampaign();
    const agent = await consented(c.publicToken);
    const saved = await agent
      .post(`/r/${c.publicToken}/autosave`)
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', agent.csrf)
      .send({ answers: { q1: 'Über Teams und Telefon', q3: 'Zu viele Mails' }, segments: { department: 'it' } })
      .expect(200);
    expect(saved.body.savedAt).to.be.a('string');

    // A reload (same device = same cookie) goes straight back to the answers, prefilled.
    const again = await agent.get(`/r/${c.publicToken}`).expect(303);
    expect(again.headers.location).to.equal(`/r/${c.publicToken}/answer`);
    const page = await agent.get(`/r/${c.publicToken}/answer`).expect(200);
    expect(page.text).to.include('Über Teams und Telefon');
    expect(page.text).to.match(/<option value="it" selected>/);
    expect(page.text).to.include('2 von 4 Fragen beantwortet');

    const draft = await DraftModel.findOne({ campaignId: c._id }).lean();
    expect((draft?.answers as unknown as Record<string, { text: string }>).q1.text).to.equal('Über Teams und Telefon');
    expect(await ResponseModel.countDocuments({ campaignId: c._id })).to.equal(0);
  });

  it('when autosave is not sent as JSON, then 415 and the draft is unchanged', async () => {
    const c = await openTemplateCampaign();
    const agent = await consented(c.publicToken);
    await agent.post(`/r/${c.publicToken}/autosave`).set('X-CSRF-Token', agent.csrf).type('form').send({ 'answers[q1]': 'als Formular' }).expect(415);
    const draft = await DraftModel.findOne({ campaignId: c._id }).lean();
    expect(Object.keys((draft?.answers as unknown as Record<string, unknown>) ?? {})).to.deep.equal([]);
  });

  it('when required answers are missing on submit, then 400 keeps the typed text and stores no submission', async () => {
    const c = await openTemplateCampaign();
    const agent = await consented(c.publicToken);
    const res = await agent
      .post(`/r/${c.publicToken}/submit`)
      .type('form')
      .send({ _csrf: agent.csrf, submissionId: 'sub-missing-0001', 'answers[q1]': 'Nur Mail <script>alert(1)</script>', 'answers[q2]': '' })
      .expect(400);
    expect(res.text).to.include('Bitte beantworte diese Frage.');
    // The summary names each question and links to its box (not the same sentence twice).
    expect(res.text).to.include('<a href="#f-answers-q2">Frage 2 („Was bedeutet der Begriff „digitaler Arbeitsplatz“ für Dich?“): Bitte beantworte diese Frage.</a>');
    expect(res.text).to.include('<a href="#f-answers-q3">Frage 3');
    expect(res.text).to.include('Nur Mail &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.to.include('<script>alert(1)</script>');
    expect(await ResponseModel.countDocuments({ campaignId: c._id, status: 'submitted' })).to.equal(0);
    const draft = await DraftModel.findOne({ campaignId: c._id }).lean();
    expect((draft?.answers as unknown as Record<string, { text: string }>).q1.text).to.include('Nur Mail');
  });

  it('when a submit is retried with the same submission id, then exactly one response exists', async () => {
    const c = await openTemplateCampaign();
    const agent = await consented(c.publicToken);
    const body = { _csrf: agent.csrf, submissionId: 'sub-retry-000001', 'segments[department]': 'sales', ...prefix(ANSWERS_DE) };
    // A draft exists once something was autosaved; the submit must remove it.
    await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).send({ answers: { q1: 'Entwurf' } }).expect(200);
    expect(await DraftModel.countDocuments({ campaignId: c._id }), 'a draft after the autosave').to.equal(1);
    const [a, b] = await Promise.all([
      agent.post(`/r/${c.publicToken}/submit`).type('form').send(body),
      agent.post(`/r/${c.publicToken}/submit`).type('form').send(body),
    ]);
    expect([a.status, b.status]).to.deep.equal([303, 303]);
    await agent.post(`/r/${c.publicToken}/submit`).type('form').send(body).expect(303);
    const stored = await ResponseModel.find({ campaignId: c._id }).lean();
    expect(stored).to.have.length(1);
    expect(stored[0].status).to.equal('submitted');
    // Drafts of submitted responses are deleted in background batches (src/responses/draft-cleanup.ts).
    await flushDraftDeletes();
    expect(await DraftModel.countDocuments({ campaignId: c._id }), 'the draft is gone after submitting').to.equal(0);
    expect(stored[0].submissionId).to.equal('sub-retry-000001');
    expect((stored[0].answers as unknown as Record<string, { text: string }>).q2.text).to.equal(ANSWERS_DE.q2);

    const thanks = await agent.get(`/r/${c.publicToken}/thanks`).expect(200);
    expect(thanks.text).to.include('Vielen Dank!');
    // After submitting, autosave is refused instead of changing the stored response.
    await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).send({ answers: { q1: 'geändert' } }).expect(409);
  });

  it('when the campaign is closed, then respondents get a friendly 410 page and nothing is stored', async () => {
    const c = await openTemplateCampaign();
    const agent = await consented(c.publicToken);
    await changeStatus(String(c._id), 'closed');
    const page = await request(app).get(`/r/${c.publicToken}`).set('Accept-Language', 'de').expect(410);
    expect(page.text).to.include('Diese Befragung ist beendet');
    await agent.post(`/r/${c.publicToken}/submit`).type('form').send({ _csrf: agent.csrf, submissionId: 'sub-closed-00001', ...prefix(ANSWERS_DE) }).expect(410);
    await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).send({ answers: { q1: 'x' } }).expect(410);
    expect(await ResponseModel.countDocuments({ campaignId: c._id, status: 'submitted' })).to.equal(0);
  });

  it('when the token is unknown or malformed, then a friendly 404 and nothing is stored', async () => {
    const before = (await ResponseModel.countDocuments({})) + (await DraftModel.countDocuments({}));
    const res = await request(app).get('/r/AAAAAAAAAAAAAAAAAAAAAA').set('Accept-Language', 'en').expect(404);
    expect(res.text).to.include('Survey not found');
    // With a valid CSRF token of this device (so the token, not CSRF, is what is judged): 404.
    const other = await openTemplateCampaign();
    const device = request.agent(app);
    const csrf = await respondentCsrf(device, other.publicToken);
    for (const token of ['x', 'AAAAAAAAAAAAAAAAAAAAAA']) await device.post(`/r/${token}/start`).type('form').send({ _csrf: csrf, lang: 'de', consent: 'yes' }).expect(404);
    expect((await ResponseModel.countDocuments({})) + (await DraftModel.countDocuments({}))).to.equal(before);
  });

  it('when an answer exceeds the maximum length, then 400 with a field message', async () => {
    const c = await openTemplateCampaign();
    const agent = await consented(c.publicToken, 'en');
    const res = await agent
      .post(`/r/${c.publicToken}/submit?lang=en`)
      .type('form')
      .send({ _csrf: agent.csrf, submissionId: 'sub-long-0000001', ...prefix({ ...ANSWERS_DE, q1: 'x'.repeat(20_001) }) })
      .expect(400);
    expect(res.text).to.include('The answer is too long');
    expect(await ResponseModel.countDocuments({ campaignId: c._id, status: 'submitted' })).to.equal(0);
  });

  it('when the language is switched, then the page, the draft and the response follow it', async () => {
    const c = await openTemplateCampaign();
    const agent = await consented(c.publicToken, 'de');
    await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', agent.csrf).send({ answers: { q1: 'Mail' } }).expect(200);
    expect((await DraftModel.findOne({ campaignId: c._id }).lean())?.lang).to.equal('de');
    const res = await agent.get(`/r/${c.publicToken}/answer?lang=en`).expect(200);
    expect(res.text).to.include('What does the term “digital workplace” mean to you?');
    const draft = await DraftModel.findOne({ campaignId: c._id }).lean();
    expect(draft?.lang).to.equal('en');
    await agent.post(`/r/${c.publicToken}/submit`).type('form').send({ _csrf: agent.csrf, submissionId: 'sub-lang-0000001', ...prefix(ANSWERS_DE) }).expect(303);
    expect((await ResponseModel.findOne({ campaignId: c._id }).lean())?.lang).to.equal('en');
  });

  it('when a respondent consents, then nothing is stored until the first autosave, and the draft goes shortly after the submit', async () => {
    const c = await openTemplateCampaign();
    const agent = request.agent(app);
    const welcome = await agent.get(`/r/${c.publicToken}`).expect(200);
    const start = await agent.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes', _csrf: csrfFrom(welcome.text) }).expect(303);
    const cookie = ((start.headers['set-cookie'] as unknown as string[]) ?? []).find((h) => h.startsWith('wv_consent='));
    expect(cookie, 'a signed consent cookie').to.match(new RegExp(`^wv_consent=[^;]+; Max-Age=\\d+; Path=/r/${c.publicToken}; Expires=[^;]+; HttpOnly; SameSite=Lax$`));
    expect(await DraftModel.countDocuments({ campaignId: c._id }), 'consent alone stores nothing').to.equal(0);
    // The device goes back to the form (not to the consent page) although it has no draft yet.
    expect((await agent.get(`/r/${c.publicToken}`).expect(303)).headers.location).to.equal(`/r/${c.publicToken}/answer`);
    await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', csrfFrom(welcome.text)).send({ answers: { q1: 'Teams' } }).expect(200);
    const draft = await DraftModel.findOne({ campaignId: c._id }).lean();
    expect(draft?.consent?.version).to.equal(CONSENT_VERSION);
    expect((draft?.answers as unknown as Record<string, { text: string }>).q1.text).to.equal('Teams');
    await agent.post(`/r/${c.publicToken}/submit`).type('form').send({ _csrf: csrfFrom(welcome.text), submissionId: 'sub-consent-00001', ...prefix(ANSWERS_DE) }).expect(303);
    const stored = await ResponseModel.findOne({ campaignId: c._id }).lean();
    expect(stored?.consent?.version).to.equal(CONSENT_VERSION);
    expect(stored?.consent?.at?.getTime()).to.equal(draft?.consent?.at?.getTime());
    await flushDraftDeletes();
    expect(await DraftModel.countDocuments({ campaignId: c._id }), 'the draft is deleted after the submit').to.equal(0);
  });

  it('when the consent cookie is forged or taken from another campaign, then it counts as no consent', async () => {
    const a = await openTemplateCampaign();
    const b = await openTemplateCampaign();
    const agent = request.agent(app);
    const welcome = await agent.get(`/r/${a.publicToken}`).expect(200);
    const start = await agent.post(`/r/${a.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes', _csrf: csrfFrom(welcome.text) }).expect(303);
    const value = /^wv_consent=([^;]+)/.exec(((start.headers['set-cookie'] as unknown as string[]) ?? []).find((h) => h.startsWith('wv_consent='))!)![1];
    const resume = /^wv_resume=([^;]+)/.exec(((welcome.headers['set-cookie'] as unknown as string[]) ?? []).find((h) => h.startsWith('wv_resume='))!)![1];
    const csrfCookie = ((welcome.headers['set-cookie'] as unknown as string[]) ?? []).find((h) => h.startsWith('wv_csrf='))!.split(';')[0];
    const tampered = value.replace(/\.(\d+)\./, (_m, ms: string) => `.${Number(ms) - 1000}.`);
    for (const [token, consent] of [[b.publicToken, value], [a.publicToken, tampered]] as const) {
      const cookies = `wv_resume=${resume}; wv_consent=${consent}; ${csrfCookie}`;
      const page = await request(app).get(`/r/${token}/answer`).set('Cookie', cookies).expect(303);
      expect(page.headers.location).to.equal(`/r/${token}`);
    }
    const autosave = await request(app)
      .post(`/r/${a.publicToken}/autosave`)
      .set('Cookie', `wv_resume=${resume}; wv_consent=${tampered}; ${csrfCookie}`)
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', csrfFrom(welcome.text))
      .send({ answers: { q1: 'x' } });
    expect(autosave.status).to.equal(404);
    expect((await DraftModel.countDocuments({ campaignId: a._id })) + (await DraftModel.countDocuments({ campaignId: b._id }))).to.equal(0);
  });
});

function prefix(answers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(answers).map(([k, v]) => [`answers[${k}]`, v]));
}

describe('respondent flow: CSRF', () => {
  useTestDb('respond_csrf');
  const app = testApp();

  it('when the consent form is posted without or with a wrong token, then 403 and nothing is stored', async () => {
    const c = await openTemplateCampaign();
    const agent = request.agent(app);
    await agent.get(`/r/${c.publicToken}`).expect(200);
    await agent.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes' }).expect(403);
    await agent.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes', _csrf: 'forged' }).expect(403);
    expect(await DraftModel.countDocuments({ campaignId: c._id })).to.equal(0);
  });
});
