import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { answersOf } from '../../src/analysis-runs/analysis-input.js';
import { startRun } from '../../src/analysis-runs/analysis-run.service.js';
import { createRunner } from '../../src/analysis-runs/runner.js';
import { changeStatus, createCampaign, getCampaign, type Campaign } from '../../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { interviewTemplate, readinessKeys } from '../../src/campaigns/interview-template.js';
import { channelChoice, devicesMulti, prioritiesRanking, toolsScale } from '../helpers/closed-questions.js';
import { forgetClosedData } from '../../src/dashboard/closed-data.js';
import { DraftModel, ResponseModel } from '../../src/responses/response.model.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { apiAuth, csrfFrom, respondentCsrf, staffClient, testApp } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';
import { parseCsv } from './exports.fixtures.js';

/**
 * Closed question types (issue 17, item 1) over HTTP: a campaign with a rating scale, single and
 * multiple choice (with "other, namely …") and a ranking — defined by the lead (form and API),
 * answered by a respondent (autosave, resume, validation, submit), read by the lead (response
 * page, question page, dashboard, segment comparison, exports). Dashboard figures are checked
 * against figures computed here directly from the stored responses.
 */

type Client = Awaited<ReturnType<typeof staffClient>>;

/** The campaign of these tests: one open question and one of each closed type; two departments. */
function closedInput(extra: Record<string, unknown> = {}) {
  return {
    titles: { de: 'Werkzeuge heute', en: 'Tools today' },
    languages: ['de', 'en'],
    anonymity: 'anonymous',
    questions: [
      { key: 'q1', role: 'current_practice', prompt: { de: 'Wie arbeiten Sie heute?', en: 'How do you work today?' }, modes: ['text'], required: true },
      toolsScale(),
      channelChoice(),
      devicesMulti(),
      prioritiesRanking(),
    ],
    segments: [
      {
        key: 'department',
        label: { de: 'Bereich', en: 'Department' },
        required: false,
        options: [
          { key: 'sales', label: { de: 'Vertrieb', en: 'Sales' } },
          { key: 'it', label: { de: 'IT', en: 'IT' } },
          { key: 'hr', label: { de: 'Personal', en: 'HR' } },
        ],
      },
    ],
    ...extra,
  };
}

async function openClosedCampaign(ownerId: string, extra: Record<string, unknown> = {}): Promise<Campaign> {
  const draft = await createCampaign(campaignInputSchema.parse(closedInput(extra)), { ownerId });
  return changeStatus(String(draft._id), 'open');
}

/** A respondent's browser that has given consent on the campaign's link. */
async function respondent(app: ReturnType<typeof testApp>, token: string, lang: 'de' | 'en' = 'en'): Promise<TestAgent> {
  const agent = request.agent(app);
  const csrf = await respondentCsrf(agent, token);
  await agent.post(`/r/${token}/start`).type('form').send({ lang, consent: 'yes', _csrf: csrf }).expect(303);
  return agent;
}

async function autosave(agent: TestAgent, token: string, answers: Record<string, unknown>, status = 200) {
  const page = await agent.get(`/r/${token}/answer`).expect(200);
  return agent.post(`/r/${token}/autosave`).set('X-CSRF-Token', csrfFrom(page.text)).set('Accept', 'application/json').send({ answers }).expect(status);
}

describe('closed question types: scale, single/multiple choice, ranking (issue 17)', function () {
  this.timeout(120_000);
  useTestDb('closed_questions');
  const app = testApp();
  let lead: Client;

  before(async () => {
    lead = await staffClient(app, 'lead');
  });

  describe('the lead defines them', () => {
    it('the new campaign form offers the template with the "digital readiness" block switched on; switched off it is left out', async () => {
      const page = (await lead.get('/lead/campaigns/new?lang=en').expect(200)).text;
      expect(page).to.include('“Digital readiness” block');
      expect(page).to.match(/<input type="checkbox" name="readiness" aria-describedby="readiness-hint" checked>/);
      expect(page).to.include('How well do today’s tools support your work?');
      expect(page).to.include('<option value="scale" selected>');

      // The form as the page posts it (the template's rows), once with the block and once without.
      const rows = (html: string) => {
        const form: Record<string, string> = {};
        for (const m of html.matchAll(/<(?:input|textarea)[^>]*name="([^"]+)"[^>]*>([^<]*)/g)) {
          const [, name, inner] = m;
          const value = /value="([^"]*)"/.exec(m[0])?.[1];
          if (m[0].startsWith('<textarea')) form[name] = inner.replace(/&amp;/g, '&').replace(/&#34;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
          else if (/type="checkbox"/.test(m[0])) {
            if (/ checked/.test(m[0])) form[name] = 'on';
          } else if (!/type="radio"/.test(m[0]) || / checked/.test(m[0])) form[name] = (value ?? '').replace(/&amp;/g, '&').replace(/&#34;/g, '"');
        }
        for (const m of html.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
          const selected = /<option value="([^"]*)"[^>]*selected/.exec(m[2]) ?? /<option value="([^"]*)"/.exec(m[2]);
          if (selected) form[m[1]] = selected[1];
        }
        delete form.action;
        return form;
      };
      const form = rows(page);
      expect(form.readiness).to.equal('on');
      expect(form['questions[4][type]']).to.equal('scale');
      expect(form['questions[4][scale_max]']).to.equal('10');
      const on = await lead.post('/lead/campaigns').type('form').send({ ...form, languages: ['de', 'en'], title_de: 'Mit Block', _csrf: lead.csrf });
      expect(on.status, /<div class="error-summary"[\s\S]*?<\/div>/.exec(on.text)?.[0]).to.equal(303);
      const withBlock = await getCampaign(String(on.headers.location).split('/').pop()!.split('?')[0]);
      expect(withBlock.questions.map((q) => q.key)).to.deep.equal(['q1', 'q2', 'q3', 'q4', ...readinessKeys()]);
      expect(withBlock.questions[4]).to.deep.include({ type: 'scale' });
      expect(withBlock.questions[4].scale).to.deep.include({ min: 0, max: 10 });
      expect(withBlock.questions[5].scale).to.deep.include({ min: 1, max: 5 });
      // The campaign page names the type.
      expect((await lead.get(`/lead/campaigns/${String(withBlock._id)}?lang=en`).expect(200)).text).to.include('scale 0–10');

      const { readiness: _off, ...without } = form;
      const off = await lead.post('/lead/campaigns').type('form').send({ ...without, languages: ['de', 'en'], title_de: 'Ohne Block', _csrf: lead.csrf }).expect(303);
      const withoutBlock = await getCampaign(String(off.headers.location).split('/').pop()!.split('?')[0]);
      expect(withoutBlock.questions.map((q) => q.key)).to.deep.equal(['q1', 'q2', 'q3', 'q4']);
      // Editing that draft, switching the block on adds it again.
      const edit = rows((await lead.get(`/lead/campaigns/${String(withoutBlock._id)}/edit`).expect(200)).text);
      expect(edit.readiness).to.equal(undefined);
      await lead.post(`/lead/campaigns/${String(withoutBlock._id)}`).type('form').send({ ...edit, languages: ['de', 'en'], readiness: 'on', _csrf: lead.csrf }).expect(303);
      expect((await getCampaign(String(withoutBlock._id))).questions.map((q) => q.key)).to.deep.equal(['q1', 'q2', 'q3', 'q4', ...readinessKeys()]);
      // The template itself (tests, demo) stays the four questions.
      expect(interviewTemplate().questions).to.have.length(4);
    });

    it('the form creates every type, and says what is wrong: a ranking of 8 items, a scale without end labels', async () => {
      const base = {
        title_de: 'Formular',
        languages: ['de'],
        'questions[0][key]': 'q1',
        'questions[0][role]': 'custom',
        'questions[0][prompt_de]': 'Skala?',
        'questions[0][type]': 'scale',
        'questions[0][scale_min]': '1',
        'questions[0][scale_max]': '5',
        'questions[0][min_label_de]': 'schlecht',
        'questions[0][max_label_de]': 'gut',
        'questions[0][required]': 'on',
        'questions[1][key]': 'q2',
        'questions[1][role]': 'current_practice',
        'questions[1][prompt_de]': 'Einfach?',
        'questions[1][type]': 'single',
        'questions[1][options]': 'mail = E-Mail | E-mail\nChat | Chat',
        'questions[1][allow_other]': 'on',
        'questions[2][key]': 'q3',
        'questions[2][role]': 'custom',
        'questions[2][prompt_de]': 'Mehrfach?',
        'questions[2][type]': 'multi',
        'questions[2][options]': 'A\nB\nC',
        'questions[3][key]': 'q4',
        'questions[3][role]': 'custom',
        'questions[3][prompt_de]': 'Rangfolge?',
        'questions[3][type]': 'ranking',
        'questions[3][options]': 'Eins\nZwei\nDrei',
        _csrf: lead.csrf,
      };
      const res = await lead.post('/lead/campaigns').type('form').send(base).expect(303);
      const c = await getCampaign(String(res.headers.location).split('/').pop()!.split('?')[0]);
      expect(c.questions.map((q) => q.type)).to.deep.equal(['scale', 'single', 'multi', 'ranking']);
      expect(c.questions[0].scale).to.deep.include({ min: 1, max: 5 });
      expect(c.questions[1].options!.map((o) => o.key)).to.deep.equal(['mail', 'chat']);
      expect(c.questions[1].allowOther).to.equal(true);
      expect(c.questions[3].options).to.have.length(3);
      expect(c.questions.every((q) => q.modes.join() === 'text')).to.equal(true);

      const bad = await lead
        .post('/lead/campaigns?lang=en')
        .type('form')
        .send({ ...base, 'questions[3][options]': 'A\nB\nC\nD\nE\nF\nG\nH', 'questions[0][min_label_de]': '' })
        .expect(400);
      expect(bad.text).to.include('A ranking has at most 7 items.');
      expect(bad.text).to.include('Both ends of the scale need a label.');
      // What the lead typed stays.
      expect(bad.text).to.include('A\nB\nC\nD\nE\nF\nG\nH');
    });

    it('the API creates and returns every type; invalid definitions are a 400 with field paths', async () => {
      const { header } = await apiAuth('lead');
      const created = await request(app).post('/api/v1/campaigns').set('Authorization', header).send(closedInput()).expect(201);
      const byKey = Object.fromEntries(created.body.questions.map((q: { key: string }) => [q.key, q]));
      expect(byKey.q1.type).to.equal('open');
      expect(byKey.tools).to.deep.include({ type: 'scale' });
      expect(byKey.tools.scale).to.deep.equal({ min: 0, max: 10, minLabel: { de: 'gar nicht', en: 'not at all' }, maxLabel: { de: 'voll und ganz', en: 'completely' } });
      expect(byKey.channel).to.deep.include({ type: 'single', allowOther: true });
      expect(byKey.priorities.options.map((o: { key: string }) => o.key)).to.deep.equal(['search', 'mobile', 'training']);
      expect(byKey.priorities).not.to.have.property('allowOther');
      const fetched = await request(app).get(`/api/v1/campaigns/${created.body.id}`).set('Authorization', header).expect(200);
      expect(fetched.body.questions).to.deep.equal(created.body.questions);

      const input = closedInput();
      const questions = input.questions as Array<Record<string, unknown>>;
      const bad = structuredClone(questions);
      bad[1].scale = { min: 0, max: 11, minLabel: { de: 'a' }, maxLabel: { de: 'b' } };
      bad[4].options = Array.from({ length: 8 }, (_, i) => ({ key: `i${i}`, label: { de: `Punkt ${i}` } }));
      bad[3].options = [{ key: 'other', label: { de: 'Anderes' } }, { key: 'x', label: { de: 'X' } }];
      const res = await request(app).post('/api/v1/campaigns').set('Authorization', header).send({ ...input, questions: bad }).expect(400);
      expect(res.body.error.fields).to.deep.include({ 'questions.1.scale.max': 'validation.scale_range', 'questions.4.options': 'validation.ranking_max', 'questions.3.options': 'validation.other_key' });
      const noScale = structuredClone(questions);
      delete noScale[1].scale;
      expect((await request(app).post('/api/v1/campaigns').set('Authorization', header).send({ ...input, questions: noScale }).expect(400)).body.error.fields).to.deep.include({ 'questions.1.scale': 'validation.scale_required' });
      // Older clients send no type: open, as before.
      const old = await request(app)
        .post('/api/v1/campaigns')
        .set('Authorization', header)
        .send({ title: 'Alt', languages: ['de'], questions: [{ key: 'q1', role: 'custom', prompt: { de: 'Frage?' }, modes: ['text', 'video'] }] })
        .expect(201);
      expect(old.body.questions[0]).to.deep.include({ type: 'open', modes: ['text', 'video'] });
      // The OpenAPI document describes the types.
      const doc = (await request(app).get('/api/v1/openapi.json').set('Authorization', header).expect(200)).body;
      expect(doc.components.schemas.Campaign.properties.questions.items.properties.type.enum).to.deep.equal(['open', 'scale', 'single', 'multi', 'ranking']);
      expect(doc.components.schemas.Response.properties.answers.additionalProperties.properties).to.have.keys('text', 'mode', 'value', 'choices', 'ranking', 'mediaId', 'cues');
      expect(JSON.stringify(doc.components.schemas.ResponseInput)).to.include('ranking');
    });

    it('missing translations of scale labels and choices are listed on the draft page', async () => {
      const input = closedInput();
      const q = input.questions as Array<Record<string, unknown>>;
      (q[1].scale as { maxLabel: { en: string } }).maxLabel.en = '';
      (q[2].options as Array<{ label: { en: string } }>)[1].label.en = '';
      const c = await createCampaign(campaignInputSchema.parse({ ...input, questions: q }), { ownerId: lead.user.id });
      const page = (await lead.get(`/lead/campaigns/${String(c._id)}?lang=en`).expect(200)).text;
      expect(page).to.include('scale labels of question 2');
      expect(page).to.include('choice “Chat” of question 3');
    });
  });

  describe('a respondent answers them', () => {
    let campaign: Campaign;
    before(async () => {
      campaign = await openClosedCampaign(lead.user.id);
    });

    it('the answer page: a fieldset with a legend per closed question, native radios, checkboxes and selects; labels in the respondent’s language', async () => {
      const agent = await respondent(app, campaign.publicToken, 'en');
      const page = (await agent.get(`/r/${campaign.publicToken}/answer?lang=en`).expect(200)).text;
      const box = (key: string) => page.slice(page.indexOf(`id="question-${key}"`) - 60, page.indexOf('</fieldset>', page.indexOf(`id="question-${key}"`)));
      expect(box('tools')).to.match(/^[\s\S]*<fieldset class="panel question closed"/);
      expect(box('tools')).to.include('<legend class="question-label">');
      expect(box('tools')).to.include('How well do the tools support you?');
      expect(box('tools').match(/type="radio"/g)).to.have.length(11);
      expect(box('tools')).to.include('0 = not at all');
      expect(box('tools')).to.include('10 = completely');
      expect(box('tools')).to.include('id="f-answers-tools"');
      expect(box('channel').match(/type="radio"/g)).to.have.length(4);
      expect(box('channel')).to.include('Other, namely:');
      expect(box('devices').match(/type="checkbox"/g)).to.have.length(4);
      expect(box('devices')).to.include('Choose all that apply.');
      expect(box('priorities').match(/<select/g)).to.have.length(3);
      expect(box('priorities')).to.include('Give each item a rank: 1 = most important.');
      expect(page).to.include('0 of 5 questions answered');
      // German respondents get the German labels.
      const de = await respondent(app, campaign.publicToken, 'de');
      const dePage = (await de.get(`/r/${campaign.publicToken}/answer?lang=de`).expect(200)).text;
      expect(dePage).to.include('voll und ganz');
      expect(dePage).to.include('Mobil arbeiten');
    });

    it('autosave refuses out-of-range values, unknown choices, two choices in single choice, too many or repeated ranks', async () => {
      const agent = await respondent(app, campaign.publicToken);
      const t = campaign.publicToken;
      const field = async (answers: Record<string, unknown>) => (await autosave(agent, t, answers, 400)).body.error.fields;
      expect(await field({ tools: { value: 11 } })).to.deep.equal({ 'answers.tools': 'validation.out_of_range' });
      expect(await field({ tools: 2.5 })).to.deep.equal({ 'answers.tools': 'validation.out_of_range' });
      expect(await field({ tools: { value: -1 } })).to.deep.equal({ 'answers.tools': 'validation.out_of_range' });
      expect(await field({ channel: { choices: ['fax'] } })).to.deep.equal({ 'answers.channel': 'validation.unknown_choice' });
      expect(await field({ channel: { choices: ['mail', 'chat'] } })).to.deep.equal({ 'answers.channel': 'validation.one_choice' });
      expect(await field({ priorities: { ranking: ['search', 'mobile', 'training', 'search'] } })).to.deep.equal({ 'answers.priorities': 'validation.too_many_ranked' });
      expect(await field({ priorities: { ranking: ['search', 'search'] } })).to.deep.equal({ 'answers.priorities': 'validation.rank_duplicate' });
      expect(await field({ priorities: { ranks: { search: '1', mobile: '1' } } })).to.deep.equal({ 'answers.priorities': 'validation.rank_duplicate' });
      expect(await field({ priorities: { ranking: ['search', 'coffee'] } })).to.deep.equal({ 'answers.priorities': 'validation.unknown_choice' });
      expect(await field({ q1: { value: 3 } })).to.deep.equal({ 'answers.q1': 'validation.answer_shape' });
      // Nothing was stored by the refused saves.
      expect(await DraftModel.countDocuments({ campaignId: campaign._id })).to.equal(0);
    });

    it('autosave keeps closed answers (a partial ranking too); the page resumes them', async () => {
      const agent = await respondent(app, campaign.publicToken);
      const t = campaign.publicToken;
      await autosave(agent, t, { q1: 'Mostly e-mail.', tools: { value: 7 }, channel: { choices: ['other'], text: 'Carrier pigeon' }, devices: { choices: ['laptop', 'tablet'] }, priorities: { ranks: { mobile: '1', search: '' } } });
      const draft = await DraftModel.findOne({ campaignId: campaign._id }).lean();
      const a = draft!.answers as unknown as Record<string, { value?: number; choices?: string[]; ranking?: string[]; text?: string }>;
      expect(a.tools.value).to.equal(7);
      expect(a.channel).to.deep.include({ choices: ['other'], text: 'Carrier pigeon' });
      expect(a.devices.choices).to.deep.equal(['laptop', 'tablet']);
      expect(a.priorities.ranking).to.deep.equal(['mobile']);
      // Resume: a new visit to the link lands on the answers, prefilled.
      expect((await agent.get(`/r/${t}`).expect(303)).headers.location).to.match(/\/answer$/);
      const page = (await agent.get(`/r/${t}/answer?lang=en`).expect(200)).text;
      expect(page).to.match(/name="answers\[tools\]" value="7" data-question="tools" checked/);
      expect(page).to.match(/value="other" data-question="channel" data-other-choice checked/);
      expect(page).to.include('value="Carrier pigeon"');
      expect(page).to.match(/value="laptop" data-question="devices" checked/);
      expect(page).to.match(/value="tablet" data-question="devices" checked/);
      expect(page).not.to.match(/value="phone" data-question="devices" checked/);
      expect(page).to.match(/name="answers\[priorities\]\[ranks\]\[mobile\]"[\s\S]*?<option value="1" selected>/);
      expect(page).to.include('5 of 5 questions answered');
      // Clearing: a scale set back to nothing, choices unticked.
      await autosave(agent, t, { tools: { value: null }, devices: { choices: [] } });
      const cleared = (await DraftModel.findOne({ campaignId: campaign._id }).lean())!.answers as unknown as Record<string, { value?: number | null; choices?: string[] }>;
      expect(cleared.tools.value ?? null).to.equal(null);
      expect(cleared.devices.choices).to.deep.equal([]);
    });

    it('submit: required, "other" without text and an incomplete ranking are named; the typed answers stay; then it is stored', async () => {
      const agent = await respondent(app, campaign.publicToken);
      const t = campaign.publicToken;
      const csrf = csrfFrom((await agent.get(`/r/${t}/answer`).expect(200)).text);
      const form = {
        _csrf: csrf,
        submissionId: 'closed-form-0001',
        'answers[q1]': 'Mostly e-mail and chat.',
        'answers[channel][choices][]': 'other',
        'answers[channel][text]': '',
        'answers[devices][text]': '',
        'answers[priorities][ranks][search]': '2',
        'answers[priorities][ranks][mobile]': '',
        'answers[priorities][ranks][training]': '1',
      };
      const refused = await agent.post(`/r/${t}/submit?lang=en`).type('form').send(form).expect(400);
      expect(refused.text).to.include('Question 2 (“How well do the tools support you?”): Please answer this question.');
      expect(refused.text).to.include('Please say what “other” means.');
      expect(refused.text).to.include('Please give every item a rank.');
      expect(refused.text).to.include('href="#f-answers-tools"');
      // The ranks typed stay on the page.
      expect(refused.text).to.match(/name="answers\[priorities\]\[ranks\]\[training\]"[\s\S]*?<option value="1" selected>/);
      expect(await ResponseModel.countDocuments({ campaignId: campaign._id })).to.equal(0);
      // Repeated ranks (a page without JavaScript) are refused too.
      const twice = await agent.post(`/r/${t}/submit?lang=en`).type('form').send({ ...form, 'answers[priorities][ranks][mobile]': '2' }).expect(400);
      expect(twice.text).to.include('Each rank can be given only once.');

      await agent
        .post(`/r/${t}/submit`)
        .type('form')
        .send({
          ...form,
          'answers[tools]': '3',
          'answers[channel][text]': 'Brieftaube',
          'answers[devices][choices][]': ['laptop', 'phone'],
          'answers[priorities][ranks][mobile]': '3',
        })
        .expect(303);
      const stored = await ResponseModel.findOne({ campaignId: campaign._id }).lean();
      const a = stored!.answers as unknown as Record<string, { value?: number; choices?: string[]; ranking?: string[]; text: string }>;
      expect(a.q1.text).to.equal('Mostly e-mail and chat.');
      expect(a.tools).to.deep.include({ value: 3, text: '' });
      expect(a.channel).to.deep.include({ choices: ['other'], text: 'Brieftaube' });
      expect(a.devices).to.deep.include({ choices: ['laptop', 'phone'], text: '' });
      expect(a.priorities.ranking).to.deep.equal(['training', 'search', 'mobile']);
      // The optional question left empty is not stored as an answer.
      expect((await agent.get(`/r/${t}/thanks`).expect(200)).text).to.be.a('string');
    });

    it('typing an "other" text without ticking it (no JavaScript) chooses "other" in multiple choice', async () => {
      const agent = await respondent(app, campaign.publicToken);
      const t = campaign.publicToken;
      const csrf = csrfFrom((await agent.get(`/r/${t}/answer`).expect(200)).text);
      await agent
        .post(`/r/${t}/submit`)
        .type('form')
        .send({
          _csrf: csrf,
          submissionId: 'closed-form-0002',
          'answers[q1]': 'Chat.',
          'answers[tools]': '8',
          'answers[channel][choices][]': 'chat',
          'answers[channel][text]': 'ignored: chat was chosen',
          'answers[devices][choices][]': 'laptop',
          'answers[devices][text]': 'Smartwatch',
          'answers[priorities][ranks][search]': '1',
          'answers[priorities][ranks][mobile]': '2',
          'answers[priorities][ranks][training]': '3',
        })
        .expect(303);
      const all = await ResponseModel.find({ campaignId: campaign._id }).lean();
      const a = all.find((r) => r.submissionId === 'closed-form-0002')!.answers as unknown as Record<string, { choices?: string[]; text: string }>;
      expect(a.devices).to.deep.include({ choices: ['laptop', 'other'], text: 'Smartwatch' });
      expect(a.channel).to.deep.include({ choices: ['chat'], text: '' });
    });
  });

  describe('the API takes and returns closed answers', () => {
    let campaign: Campaign;
    let header: string;
    before(async () => {
      const auth = await apiAuth('lead');
      header = auth.header;
      campaign = await openClosedCampaign(auth.user.id);
    });

    it('validates them like the page does, and stores and returns value, choices, ranking and the other text', async () => {
      const url = `/api/v1/campaigns/${String(campaign._id)}/responses`;
      const ok = { q1: 'Phone.', tools: 9, channel: { choices: ['phone'] }, devices: { choices: ['other'], text: 'Desk phone' }, priorities: { ranking: ['mobile', 'training', 'search'] } };
      const post = (answers: Record<string, unknown>, id: string) => request(app).post(url).set('Authorization', header).send({ submissionId: id, lang: 'en', consent: true, answers });
      const bad = async (answers: Record<string, unknown>) => (await post(answers, 'api-bad-0001').expect(400)).body.error.fields;
      expect(await bad({ ...ok, tools: 12 })).to.deep.equal({ 'answers.tools': 'validation.out_of_range' });
      expect(await bad({ ...ok, channel: { choices: ['pigeon'] } })).to.deep.equal({ 'answers.channel': 'validation.unknown_choice' });
      expect(await bad({ ...ok, priorities: { ranking: ['mobile', 'training', 'search', 'extra'] } })).to.deep.equal({ 'answers.priorities': 'validation.too_many_ranked' });
      expect(await bad({ ...ok, priorities: { ranking: ['mobile'] } })).to.deep.equal({ 'answers.priorities': 'validation.rank_all' });
      expect(await bad({ ...ok, devices: { choices: ['other'] } })).to.deep.equal({ 'answers.devices': 'validation.other_text_required' });
      const { tools: _t, ...noScale } = ok;
      expect(await bad(noScale)).to.deep.equal({ 'answers.tools': 'validation.answer_required' });
      expect(await ResponseModel.countDocuments({ campaignId: campaign._id })).to.equal(0);

      const created = await post(ok, 'api-ok-0001').expect(201);
      expect(created.body.answers.tools).to.deep.include({ value: 9, text: '' });
      expect(created.body.answers.channel.choices).to.deep.equal(['phone']);
      expect(created.body.answers.devices).to.deep.include({ choices: ['other'], text: 'Desk phone' });
      expect(created.body.answers.priorities.ranking).to.deep.equal(['mobile', 'training', 'search']);
      const read = await request(app).get(`${url}/${created.body.id}`).set('Authorization', header).expect(200);
      expect(read.body.answers).to.deep.equal(created.body.answers);
      // The optional question may be left out.
      const { devices: _d, ...noDevices } = ok;
      expect((await post(noDevices, 'api-ok-0002').expect(201)).body.answers).not.to.have.property('devices');
    });
  });

  describe('the lead reads them: pages, dashboard, comparison, exports', () => {
    let campaign: Campaign;
    let runId: string;
    /** 12 people: 7 in IT, 5 in Sales (minimum group 5); 1 more in HR. */
    const people: Array<{ dept: string; lang: 'de' | 'en'; tools: number; channel: string; other?: string; devices: string[]; ranking: string[] }> = [];
    before(async () => {
      campaign = await openClosedCampaign(lead.user.id);
      const rankings = [
        ['search', 'mobile', 'training'],
        ['mobile', 'search', 'training'],
        ['search', 'training', 'mobile'],
      ];
      for (let i = 0; i < 7; i++) people.push({ dept: 'it', lang: 'en', tools: [8, 9, 7, 10, 8, 6, 9][i], channel: ['chat', 'chat', 'mail', 'other', 'chat', 'phone', 'chat'][i], other: i === 3 ? 'We still send a fax to the warehouse' : undefined, devices: i % 2 ? ['laptop', 'phone'] : ['laptop'], ranking: rankings[i % 3] });
      for (let i = 0; i < 5; i++) people.push({ dept: 'sales', lang: 'de', tools: [2, 3, 4, 2, 5][i], channel: ['mail', 'phone', 'mail', 'mail', 'phone'][i], devices: ['phone'], ranking: rankings[(i + 1) % 3] });
      people.push({ dept: 'hr', lang: 'de', tools: 0, channel: 'mail', devices: ['tablet'], ranking: rankings[2] });
      for (const [i, p] of people.entries()) {
        await createFromApi(campaign, {
          submissionId: `closed-dash-${String(i).padStart(3, '0')}`,
          lang: p.lang,
          segments: { department: p.dept },
          answers: {
            q1: p.lang === 'de' ? 'Vor allem per E-Mail und im Teams-Chat.' : 'Mostly e-mail and Teams chat.',
            tools: p.tools,
            channel: { choices: [p.channel], ...(p.other ? { text: p.other } : {}) },
            devices: { choices: p.devices },
            priorities: { ranking: p.ranking },
          },
        });
      }
      const { run } = await startRun(campaign._id as mongoose.Types.ObjectId);
      const outcome = await createRunner({ instanceId: `closed-${process.pid}` }).runOnce();
      expect(outcome?.status).to.equal('done');
      runId = run.id;
      forgetClosedData();
    });

    /** Figures computed here from the stored responses (not from the app's code). */
    async function stored(filter: (dept: string) => boolean = () => true) {
      const rows = (await ResponseModel.find({ campaignId: campaign._id }).lean()).filter((r) => filter((r.segments as unknown as Record<string, string>).department));
      const answers = rows.map((r) => r.answers as unknown as Record<string, { value?: number; choices?: string[]; ranking?: string[] }>);
      const values = answers.map((a) => a.tools.value!).sort((x, y) => x - y);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const mid = values.length / 2;
      const median = values.length % 2 ? values[Math.floor(mid)] : (values[mid - 1] + values[mid]) / 2;
      const count = (key: string, choice: string) => answers.filter((a) => a[key].choices?.includes(choice)).length;
      const meanRank = (item: string) => answers.reduce((s, a) => s + a.priorities.ranking!.indexOf(item) + 1, 0) / answers.length;
      return { n: values.length, mean, median, values, count, meanRank };
    }
    const fmt = (x: number, digits: number) => String(Math.round(x * 10 ** digits) / 10 ** digits);

    it('the dashboard shows the distribution, mean and median of the scale, counts per choice and the mean rank per item, as computed from the stored responses', async () => {
      const html = (await lead.get(`/lead/campaigns/${String(campaign._id)}/dashboard?lang=en`).expect(200)).text;
      const s = await stored();
      expect(s.n).to.equal(13);
      const section = html.slice(html.indexOf('id="closed"'));
      expect(section).to.include(`Mean ${fmt(s.mean, 1)} · median ${s.median} · 13 answers`);
      expect(section).to.include('From the 13 responses that had arrived when this analysis started');
      for (const v of [0, 2, 8, 10]) {
        const n = s.values.filter((x) => x === v).length;
        const label = v === 0 ? '0 – not at all' : v === 10 ? '10 – completely' : String(v);
        expect(section, `point ${v}`).to.include(`<tr data-label="${label}" data-value="${n}"`);
      }
      for (const [key, label] of [['mail', 'E-mail'], ['chat', 'Chat'], ['phone', 'Phone'], ['other', 'Other']] as const) {
        expect(section, key).to.include(`<tr data-label="${label}" data-value="${s.count('channel', key)}"`);
      }
      expect(section).to.include(`<tr data-label="Smartphone" data-value="${s.count('devices', 'phone')}"`);
      for (const [key, label] of [['search', 'Search'], ['mobile', 'Mobile work'], ['training', 'Training']] as const) {
        expect(section, key).to.match(new RegExp(`<th scope="row">${label}</th><td class="num">${fmt(s.meanRank(key), 2).replace('.', '\\.')}</td>`));
      }
      expect(section).to.include('Read the “other” texts');
    });

    it('filtered by a group the plan offers, the figures are that group’s; a group it does not offer shows none', async () => {
      const it = (await lead.get(`/lead/campaigns/${String(campaign._id)}/dashboard?lang=en&seg-department=it`).expect(200)).text;
      const s = await stored((d) => d === 'it');
      expect(it.slice(it.indexOf('id="closed"'))).to.include(`Mean ${fmt(s.mean, 1)} · median ${s.median} · 7 answers`);
      // Sales (5) next to IT (7) would leave HR (1) by subtraction: not offered.
      const sales = (await lead.get(`/lead/campaigns/${String(campaign._id)}/dashboard?lang=en&seg-department=sales`).expect(200)).text;
      const closed = sales.slice(sales.indexOf('id="closed"'));
      expect(closed).to.include('Not shown for this selection');
      expect(closed).not.to.include('Mean ');
    });

    it('the segment comparison has rows for the scale mean and the choice shares, only in columns the plan offers', async () => {
      const html = (await lead.get(`/lead/campaigns/${String(campaign._id)}/dashboard/segments?dim=department&lang=en&run=${runId}`).expect(200)).text;
      const section = html.slice(html.indexOf('id="seg-closed"'));
      const head = section.slice(section.indexOf('<thead>'), section.indexOf('</thead>'));
      expect(head).to.include('>IT<');
      expect(head).not.to.include('Sales');
      expect(head).not.to.include('HR');
      const all = await stored();
      const it = await stored((d) => d === 'it');
      expect(section).to.include(`<td class="num">${fmt(all.mean, 1)}<br><span class="muted">mean ${fmt(all.mean, 1)} · n = 13</span>`);
      // IT rates the tools far above everyone else: marked.
      expect(section).to.include(`<td class="num notable notable-higher">${fmt(it.mean, 1)} <span aria-hidden="true">▲</span>`);
      expect(section).to.include(`${it.count('channel', 'chat')} of 7`);
    });

    it('the response and question pages show closed answers as text', async () => {
      const responses = (await lead.get(`/lead/campaigns/${String(campaign._id)}/responses?lang=en`).expect(200)).text;
      const rid = /\/responses\/([^"?]+)"/.exec(responses)![1];
      const doc = await ResponseModel.findById(decodeURIComponent(rid)).lean();
      const a = doc!.answers as unknown as Record<string, { value: number; ranking: string[] }>;
      const page = (await lead.get(`/lead/campaigns/${String(campaign._id)}/responses/${rid}?lang=en`).expect(200)).text;
      expect(page).to.include(`<p class="answer-text closed-answer">${a.tools.value}</p>`);
      const label = { search: 'Search', mobile: 'Mobile work', training: 'Training' } as Record<string, string>;
      expect(page).to.include(a.priorities.ranking.map((k) => label[k]).join(' &gt; '));
      const channel = (await lead.get(`/lead/campaigns/${String(campaign._id)}/questions/channel?lang=en`).expect(200)).text;
      expect(channel).to.include('Other: We still send a fax to the warehouse');
    });

    it('the answers CSV (standard and German Excel) has one column per closed question and one for each "other" text', async () => {
      const csv = (variant: string) =>
        lead
          .get(`/lead/campaigns/${String(campaign._id)}/exports/answers.csv?lang=en${variant}`)
          .buffer(true)
          .parse((res, cb) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => cb(null, Buffer.concat(chunks)));
          })
          .expect(200);
      const rows = parseCsv(((await csv('')).body as Buffer).toString('utf8'), ',');
      const head = rows[0];
      for (const h of ['tools: How well do the tools support you?', 'channel: What do you talk through most?', 'channel: Other (text)', 'devices: Which devices do you use?', 'devices: Other (text)', 'priorities: What matters most to you?']) expect(head, h).to.include(h);
      const col = (h: string) => head.indexOf(h);
      const q = head.indexOf('Question');
      // One row per answered question (closed ones too), each carrying the respondent's closed answers.
      const byQuestion = (key: string) => rows.slice(1).filter((r) => r[q] === key);
      expect(byQuestion('q1')).to.have.length(13);
      expect(byQuestion('tools')).to.have.length(13);
      const s = await stored();
      const toolsValues = byQuestion('q1').map((r) => Number(r[col('tools: How well do the tools support you?')])).sort((x, y) => x - y);
      expect(toolsValues).to.deep.equal(s.values);
      const withOther = rows.slice(1).filter((r) => r[col('channel: Other (text)')] === 'We still send a fax to the warehouse');
      expect(withOther.length).to.be.greaterThan(0);
      expect(withOther[0][col('channel: What do you talk through most?')]).to.equal('Other');
      const ranking = byQuestion('priorities')[0][col('priorities: What matters most to you?')];
      expect(ranking.split(' > ').sort()).to.deep.equal(['Mobile work', 'Search', 'Training']);
      const devicesCell = rows.slice(1).map((r) => r[col('devices: Which devices do you use?')]);
      expect(devicesCell).to.include('Laptop; Smartphone');

      const excel = ((await csv('&variant=excel-de')).body as Buffer).toString('utf8');
      expect(excel.charCodeAt(0)).to.equal(0xfeff);
      const excelRows = parseCsv(excel.slice(1), ';');
      expect(excelRows[0]).to.deep.equal(head);
      expect(excelRows.length).to.equal(rows.length);
    });

    it('the JSON export lists each closed question with its figures and every closed answer under the respondent’s pseudonym', async () => {
      const res = await lead.get(`/lead/campaigns/${String(campaign._id)}/exports/analysis.json`).expect(200);
      const body = typeof res.body === 'object' && res.body.format ? res.body : JSON.parse(res.text);
      const tools = body.closedQuestions.find((q: { key: string }) => q.key === 'tools');
      const s = await stored();
      expect(tools.figures).to.deep.include({ answered: 13, mean: Number(fmt(s.mean, 1)), median: s.median });
      expect(body.closedAnswers.filter((a: { question: string }) => a.question === 'tools')).to.have.length(13);
      const other = body.closedAnswers.find((a: { text?: string }) => a.text === 'We still send a fax to the warehouse');
      expect(other).to.deep.include({ question: 'channel', choices: ['other'] });
      expect(other.respondent).to.match(/^R-/);
      // The respondent's pseudonym is the one of their open answers.
      expect(body.answers.some((a: { respondent?: string }) => a.respondent === other.respondent)).to.equal(true);
      expect(JSON.stringify(body)).not.to.include('closed-dash-');
    });

    it('the "other" text reaches the text analysis of its question; scale values and choices never do', async () => {
      const row = { _id: 'x', lang: 'en', answers: { q1: { text: 'Mail.' }, tools: { text: '', value: 7 } as never, channel: { text: 'We still send a fax' } } };
      const answers = answersOf(campaign.questions, row);
      expect(answers.map((a) => [a.id, a.question, a.text])).to.deep.equal([
        ['x:q1', 'current_practice', 'Mail.'],
        ['x:channel', 'current_practice', 'We still send a fax'],
      ]);
      // In the run: the other text was coded as an answer of that question (a channel, here the fax).
      const json = JSON.parse((await lead.get(`/lead/campaigns/${String(campaign._id)}/exports/analysis.json`).expect(200)).text);
      const coded = json.answers.filter((a: { id: string }) => a.id.endsWith(':channel'));
      expect(coded).to.have.length(1);
      expect(coded[0]).to.deep.include({ role: 'current_practice' });
      expect(coded[0].channels).to.include('paper');
      expect(json.answers.some((a: { id: string }) => /:(tools|devices|priorities)$/.test(a.id))).to.equal(false);
    });
  });

  it('older campaigns and answers without types keep working (open questions, text answers)', async () => {
    const c = await createCampaign(campaignInputSchema.parse(interviewTemplate()), { ownerId: lead.user.id });
    // A question stored before types existed has no `type` field.
    const raw = await mongoose.connection.collection('campaigns').findOne({ _id: c._id });
    const untyped = (raw!.questions as Array<Record<string, unknown>>).map(({ type: _type, ...q }) => q);
    await mongoose.connection.collection('campaigns').updateOne({ _id: c._id }, { $set: { questions: untyped } });
    const opened = await changeStatus(String(c._id), 'open');
    expect(opened.questions[0]).not.to.have.property('type');
    const { response } = await createFromApi(opened, { submissionId: 'old-0001', lang: 'de', answers: { q1: 'a', q2: 'b', q3: 'c', q4: 'd' }, segments: {} });
    expect(response.answers.q1).to.deep.equal({ text: 'a', mode: 'text' });
    const agent = await respondent(app, opened.publicToken, 'de');
    const page = (await agent.get(`/r/${opened.publicToken}/answer`).expect(200)).text;
    expect(page.match(/<textarea/g)).to.have.length(4);
    expect(page).not.to.include('question closed');
  });
});
