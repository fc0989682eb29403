import { expect } from 'chai';
import request from 'supertest';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { csrfFrom, signIn, testApp, type SignedIn } from '../helpers/app.js';
import { ANSWERS_DE } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

/** The form fields the "new campaign from template" page pre-fills, as a browser would post them. */
function templateForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {
    title: 'Digitaler Arbeitsplatz Nord',
    description: 'Worum es geht',
    languages: ['de', 'en'],
    anonymity: 'anonymous',
    'segments[0][key]': 'department',
    'segments[0][label_de]': 'Bereich',
    'segments[0][label_en]': 'Department',
    'segments[0][options]': 'sales = Vertrieb | Sales\nIT | IT\nLager | Warehouse',
  };
  ['q1', 'q2', 'q3', 'q4'].forEach((key, i) => {
    form[`questions[${i}][key]`] = key;
    form[`questions[${i}][role]`] = ['current_practice', 'meaning', 'challenges', 'future'][i];
    form[`questions[${i}][prompt_de]`] = `Frage ${key}?`;
    form[`questions[${i}][prompt_en]`] = `Question ${key}?`;
    form[`questions[${i}][mode_text]`] = 'on';
    form[`questions[${i}][required]`] = 'on';
  });
  return { ...form, ...overrides };
}

describe('lead campaign pages (/lead)', () => {
  useTestDb('lead');
  const app = testApp();
  let s: SignedIn;
  before(async () => {
    s = await signIn(app, 'lead');
  });

  it('when the lead opens "new campaign", then the form is pre-filled with the four interview questions', async () => {
    const res = await s.agent.get('/lead/campaigns/new').set('Accept-Language', 'de').expect(200);
    expect(res.text).to.include('Wie arbeitest bzw. kommunizierst Du heute mit Deinen Kollegen?');
    expect(res.text).to.include('What does the term “digital workplace” mean to you?');
    expect(res.text).to.include('name="segments[0][options]"');
  });

  it('when a campaign is created, opened, answered and closed, then the overview follows every step', async () => {
    const created = await s.agent.post('/lead/campaigns').type('form').send({ ...templateForm(), _csrf: s.csrf }).expect(303);
    const path = created.headers.location.replace(/\?.*$/, '');
    expect(path).to.match(/^\/lead\/campaigns\/[a-f0-9]{24}$/);
    const id = path.split('/').pop()!;
    const stored = await CampaignModel.findById(id).lean();
    expect(stored?.status).to.equal('draft');
    expect(stored?.segments[0].options.map((o) => o.key)).to.deep.equal(['sales', 'it', 'warehouse']);

    const overview = await s.agent.get(path).set('Accept-Language', 'en').expect(200);
    expect(overview.text).to.include('Digitaler Arbeitsplatz Nord');
    expect(overview.text).to.include('The link becomes active as soon as you open the campaign.');

    await s.agent.post(`${path}/status`).type('form').send({ status: 'open', _csrf: s.csrf }).expect(303);
    const open = await s.agent.get(path).set('Accept-Language', 'en').expect(200);
    const link = /id="public-link"[^>]*value="([^"]+)"/.exec(open.text)?.[1];
    expect(link).to.match(/\/r\/[A-Za-z0-9_-]{22}$/);

    // Answer once through the respondent flow.
    const token = link!.split('/r/')[1];
    const agent = request.agent(app);
    const csrf = csrfFrom((await agent.get(`/r/${token}`).expect(200)).text);
    await agent.post(`/r/${token}/start`).type('form').send({ lang: 'de', consent: 'yes', _csrf: csrf }).expect(303);
    const answers = Object.fromEntries(Object.entries(ANSWERS_DE).map(([k, v]) => [`answers[${k}]`, v]));
    await agent.post(`/r/${token}/submit`).type('form').send({ _csrf: csrf, submissionId: 'lead-flow-000001', 'segments[department]': 'it', ...answers }).expect(303);

    const list = await s.agent.get(`${path}/responses`).set('Accept-Language', 'de').expect(200);
    expect(list.text).to.include('Antworten <span class="muted">(1)</span>');
    const rid = /responses\/([A-Za-z0-9_-]+)"/.exec(list.text)?.[1];
    const one = await s.agent.get(`${path}/responses/${rid}`).expect(200);
    expect(one.text).to.include('Dass ich von überall arbeiten kann');
    const q3 = await s.agent.get(`${path}/questions/q3`).expect(200);
    expect(q3.text).to.include('Zu viele Tools');

    // Once open, the questions are locked (a full form is refused) ...
    await s.agent.post(path).type('form').send({ ...templateForm({ 'questions[0][prompt_de]': 'Neue Bedeutung?' }), _csrf: s.csrf }).expect(409);
    expect((await CampaignModel.findById(id).lean())?.questions[0].prompt.de).to.equal('Frage q1?');
    // ... but title, description and retention date can still change; the page says what is locked.
    const edit = await s.agent.get(`${path}/edit`).set('Accept-Language', 'en').expect(200);
    expect(edit.text).to.include('What is locked, and why');
    expect(edit.text).to.include('Question q1?');
    expect(edit.text).not.to.include('name="questions[0][prompt_de]"');
    const version = /name="version" value="(\d+)"/.exec(edit.text)?.[1];
    const future = `${new Date().getUTCFullYear() + 1}-06-30`;
    await s.agent
      .post(path)
      .type('form')
      .send({ scope: 'open', version, title: 'Digitaler Arbeitsplatz Nord 2027', description: 'Neu: bis Ende Juni', retainUntil: future, 'questions[0][prompt_de]': 'Neue Bedeutung?', _csrf: s.csrf })
      .expect(303);
    const renamed = await CampaignModel.findById(id).lean();
    expect(renamed?.title).to.equal('Digitaler Arbeitsplatz Nord 2027');
    expect(renamed?.description).to.equal('Neu: bis Ende Juni');
    expect(renamed?.retainUntil?.toISOString().slice(0, 10)).to.equal(future);
    expect(renamed?.questions[0].prompt.de, 'questions stay locked').to.equal('Frage q1?');
    // A retention date in the past would purge every answer within the hour: refused, nothing saved.
    const past = await s.agent
      .post(path)
      .type('form')
      .set('Accept-Language', 'en')
      .send({ scope: 'open', title: 'X', retainUntil: '2020-01-01', _csrf: s.csrf })
      .expect(400);
    expect(past.text).to.include('a date in the past would delete all answers');
    expect((await CampaignModel.findById(id).lean())?.title).to.equal('Digitaler Arbeitsplatz Nord 2027');

    // "Close campaign" asks first: without the confirmation the campaign stays open.
    const page = await s.agent.get(path).expect(200);
    expect(page.text).to.include(`href="${path}/close"`);
    expect(page.text).not.to.match(/name="status" value="closed"/);
    const unconfirmed = await s.agent.post(`${path}/status`).type('form').send({ status: 'closed', _csrf: s.csrf }).expect(303);
    expect(unconfirmed.headers.location).to.equal(`${path}/close`);
    expect((await CampaignModel.findById(id).lean())?.status).to.equal('open');
    const confirm = await s.agent.get(`${path}/close`).set('Accept-Language', 'en').expect(200);
    expect(confirm.text).to.include('1 submitted answer stays stored');
    const closed = await s.agent.post(`${path}/status`).type('form').send({ status: 'closed', confirm: 'yes', _csrf: s.csrf }).expect(303);
    expect((await CampaignModel.findById(id).lean())?.status).to.equal('closed');
    const closedPage = await s.agent.get(closed.headers.location).set('Accept-Language', 'en').expect(200);
    expect(closedPage.text).to.include('The campaign is closed. Its link no longer accepts answers.');
    const index = await s.agent.get('/lead').expect(200);
    expect(index.text).to.include('Digitaler Arbeitsplatz Nord');
  });

  it('when the form is invalid, then 400 re-renders it with the input kept and field messages', async () => {
    const before = await CampaignModel.countDocuments();
    const res = await s.agent
      .post('/lead/campaigns')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ ...templateForm({ title: '', 'questions[2][prompt_en]': '', 'questions[1][key]': 'q1', 'segments[0][options]': 'only one' }), _csrf: s.csrf })
      .expect(400);
    expect(res.text).to.include('Please check these entries');
    expect(res.text).to.include('href="#f-title"');
    expect(res.text).to.include('id="f-questions-2-prompt-en"');
    expect(res.text).to.include('This key is used twice.');
    expect(res.text).to.include('Give at least two options.');
    expect(res.text).to.include('Frage q3?'); // the lead's input is kept
    expect(await CampaignModel.countDocuments()).to.equal(before);
  });

  it('when "add a question" is pressed, then the form comes back with one more empty row and nothing is saved', async () => {
    const before = await CampaignModel.countDocuments();
    const res = await s.agent.post('/lead/campaigns').type('form').send({ ...templateForm({ action: 'add_question' }), _csrf: s.csrf }).expect(200);
    expect(res.text).to.include('name="questions[4][key]"');
    expect(await CampaignModel.countDocuments()).to.equal(before);
  });

  it('when two leads edit the same draft, then the second save gets 409 and keeps its input', async () => {
    const created = await s.agent.post('/lead/campaigns').type('form').send({ ...templateForm(), _csrf: s.csrf }).expect(303);
    const path = created.headers.location.replace(/\?.*$/, '');
    const form = await s.agent.get(`${path}/edit`).expect(200);
    const version = /name="version" value="(\d+)"/.exec(form.text)?.[1];
    expect(version).to.be.a('string');
    await s.agent.post(path).type('form').send({ ...templateForm({ title: 'Lead A', version: version! }), _csrf: s.csrf }).expect(303);
    const second = await s.agent.post(path).type('form').send({ ...templateForm({ title: 'Lead B', version: version! }), _csrf: s.csrf }).expect(409);
    expect(second.text).to.include('Lead B');
    const stored = await CampaignModel.findById(path.split('/').pop()).lean();
    expect(stored?.title).to.equal('Lead A');
  });

  it('when an unknown page or campaign is requested, then a 404 page without internals', async () => {
    const res = await s.agent.get('/lead/campaigns/000000000000000000000000').set('Accept', 'text/html').expect(404);
    expect(res.text).to.include('<h1>');
    expect(res.text).not.to.match(/Error:|at .*\.(js|ts):\d+/);
    await s.agent.get('/does-not-exist').set('Accept', 'text/html').expect(404);
  });
});
