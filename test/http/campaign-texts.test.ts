import { expect } from 'chai';
import request from 'supertest';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { changeStatus, createCampaign, forgetCampaign, getCampaign } from '../../src/campaigns/campaign.service.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { renderMail } from '../../src/participants/mailer/templates.js';
import { apiAuth, csrfFrom, signIn, testApp, type SignedIn } from '../helpers/app.js';
import { openTemplateCampaign } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

/** Campaign texts per language (issue 17, item 4). */
describe('campaign texts in German and English', () => {
  useTestDb('campaign-texts');
  const app = testApp();

  const germanOnly = {
    title: 'Nur auf Deutsch',
    description: 'Worum es geht (deutsch)',
    titles: { de: 'Nur auf Deutsch', en: '' },
    descriptions: { de: 'Worum es geht (deutsch)', en: '' },
  };

  /** A respondent who consented in `lang`: the answer page. */
  async function answerPage(token: string, lang: 'de' | 'en') {
    const agent = request.agent(app);
    const welcome = await agent.get(`/r/${token}`).set('Accept-Language', lang).expect(200);
    await agent.post(`/r/${token}/start`).type('form').send({ lang, consent: 'yes', _csrf: csrfFrom(welcome.text) }).expect(303);
    return (await agent.get(`/r/${token}/answer`).set('Accept-Language', lang).expect(200)).text;
  }

  describe('respondents', () => {
    it('when an English respondent opens the link, then the consent page shows the English title and description, without a note', async () => {
      const c = await openTemplateCampaign();
      const res = await request(app).get(`/r/${c.publicToken}`).set('Accept-Language', 'en').expect(200);
      expect(res.text).to.include('<title>Digital workplace interview');
      expect(res.text).to.match(/<h1 lang="en">Digital workplace interview<\/h1>/);
      expect(res.text).to.include('Four questions from the D2M Summit interviews');
      expect(res.text).not.to.include('Digitaler Arbeitsplatz – Interview');
      expect(res.text).not.to.include('fallback-note');
      const de = await request(app).get(`/r/${c.publicToken}`).set('Accept-Language', 'de').expect(200);
      expect(de.text).to.match(/<h1 lang="de">Digitaler Arbeitsplatz – Interview<\/h1>/);
      expect(de.text).not.to.include('Four questions');
    });

    it('when English texts are missing, then an English respondent sees the German ones, marked in German, with a note on every page', async () => {
      const c = await openTemplateCampaign(germanOnly);
      const welcome = await request(app).get(`/r/${c.publicToken}`).set('Accept-Language', 'en').expect(200);
      expect(welcome.text).to.match(/<h1 lang="de">Nur auf Deutsch<\/h1>\s*<p class="fallback-note">This text is only available in German.<\/p>/);
      expect(welcome.text).to.match(/<p class="description" lang="de">Worum es geht \(deutsch\)<\/p>\s*<p class="fallback-note">This text is only available in German.<\/p>/);
      const answer = await answerPage(c.publicToken, 'en');
      expect(answer).to.match(/<h1 lang="de">Nur auf Deutsch<\/h1>\s*<p class="fallback-note">This text is only available in German.<\/p>/);
      // The questions are in English: no note next to them.
      expect(answer).to.include('How do you work and communicate with your colleagues today?');
      expect(answer.match(/fallback-note/g)).to.have.length(1);
      // A German respondent gets the same texts without a note.
      const de = await request(app).get(`/r/${c.publicToken}`).set('Accept-Language', 'de').expect(200);
      expect(de.text).to.include('Nur auf Deutsch');
      expect(de.text).not.to.include('fallback-note');
    });

    it('when the German title is missing, then a German respondent reads "liegt nur auf Englisch vor"', async () => {
      const c = await openTemplateCampaign({ titles: { de: '', en: 'English only' }, descriptions: { de: '', en: '' }, title: '', description: '' });
      const res = await request(app).get(`/r/${c.publicToken}`).set('Accept-Language', 'de').expect(200);
      expect(res.text).to.match(/<h1 lang="en">English only<\/h1>\s*<p class="fallback-note">Dieser Text liegt nur auf Englisch vor.<\/p>/);
      expect(res.text).not.to.include('class="description"');
      expect((await getCampaign(String(c._id))).title).to.equal('English only');
    });

    it('when a question prompt or a segment option lacks its English text (stored before), then the German one is shown with a note', async () => {
      const c = await openTemplateCampaign();
      await CampaignModel.collection.updateOne({ _id: c._id }, { $set: { 'questions.2.prompt.en': '', 'segments.0.options.1.label.en': '' } });
      forgetCampaign();
      const answer = await answerPage(c.publicToken, 'en');
      expect(answer).to.match(/<span lang="de">Was sind Deiner Meinung nach die größten Herausforderungen im digitalen Berufsalltag\?<\/span>[^]*?<span class="fallback-note">This text is only available in German.<\/span>/);
      // The segment's select says so next to its label (an <option> cannot carry a note).
      expect(answer).to.match(/Department[^<]*(<span class="muted">[^<]*<\/span>)?\s*<span class="fallback-note">This text is only available in German.<\/span>\s*<\/label>/);
      expect(answer).to.include('>Betrieb</option>');
    });

    it('when a campaign document predates texts per language, then every page still renders its single title and description', async () => {
      const c = await openTemplateCampaign({ titles: undefined, descriptions: undefined, title: 'Alte Kampagne', description: 'DE / EN beschreibung' });
      await CampaignModel.collection.updateOne({ _id: c._id }, { $unset: { titles: '', descriptions: '' } });
      forgetCampaign();
      const raw = await CampaignModel.collection.findOne({ _id: c._id });
      expect(raw).not.to.have.property('titles');
      const en = await request(app).get(`/r/${c.publicToken}`).set('Accept-Language', 'en').expect(200);
      expect(en.text).to.include('<h1>Alte Kampagne</h1>');
      expect(en.text).to.include('DE / EN beschreibung');
      expect(en.text).not.to.include('fallback-note');
      expect(await answerPage(c.publicToken, 'en')).to.include('<h1>Alte Kampagne</h1>');

      const s = await signIn(app, 'admin');
      const show = await s.agent.get(`/lead/campaigns/${String(c._id)}`).expect(200);
      expect(show.text).to.include('Alte Kampagne');
      const edit = await s.agent.get(`/lead/campaigns/${String(c._id)}/edit`).set('Accept-Language', 'en').expect(200);
      expect(edit.text).to.match(/name="title_de"[^>]*value="Alte Kampagne"/);

      const { header } = await apiAuth('admin');
      const api = await request(app).get(`/api/v1/campaigns/${String(c._id)}`).set('Authorization', header).expect(200);
      expect(api.body.title).to.equal('Alte Kampagne');
      expect(api.body.titles).to.deep.equal({ de: 'Alte Kampagne', en: '' });
    });

    it('when an e-mail goes to someone whose language lacks the title, then it carries the other title and the note', () => {
      const mail = renderMail('invitation', 'en', { campaignTitle: 'Nur auf Deutsch', titleFallbackLang: 'de', name: '', link: 'https://x.example/p/t', anonymous: true, senderName: '' });
      expect(mail.subject).to.include('Nur auf Deutsch');
      expect(mail.text).to.include('(This text is only available in German.)');
      expect(mail.html).to.include('This text is only available in German.');
      const plain = renderMail('invitation', 'en', { campaignTitle: 'Workplace', name: '', link: 'https://x.example/p/t', anonymous: true, senderName: '' });
      expect(plain.text).not.to.include('only available');
    });
  });

  describe('leads', () => {
    let s: SignedIn;
    before(async () => {
      s = await signIn(app, 'lead');
    });

    it('when a draft lacks English texts, then its page lists them and the open button warns; opening still works and says so', async () => {
      const draft = await createCampaign({ ...interviewTemplate(), ...germanOnly }, { ownerId: s.user.id });
      await CampaignModel.collection.updateOne({ _id: draft._id }, { $set: { 'questions.2.prompt.en': '', 'segments.0.options.1.label.en': '' } });
      forgetCampaign();
      const id = String(draft._id);
      const page = await s.agent.get(`/lead/campaigns/${id}`).set('Accept-Language', 'en').expect(200);
      expect(page.text).to.include('Missing translations');
      expect(page.text).to.match(/Missing in English:<\/strong>\s*title, description, question 3, segment “Department” option “Betrieb”/);
      expect(page.text).not.to.include('Missing in German');
      expect(page.text).to.include('aria-describedby="open-missing-warning"');
      const de = await s.agent.get(`/lead/campaigns/${id}`).set('Accept-Language', 'de').expect(200);
      expect(de.text).to.match(/Fehlt auf Englisch:<\/strong>\s*Titel, Beschreibung, Frage 3, Gruppe „Bereich“ Option „Betrieb“/);

      const opened = await s.agent.post(`/lead/campaigns/${id}/status`).type('form').send({ status: 'open', _csrf: s.csrf }).expect(303);
      const after = await s.agent.get(opened.headers.location).set('Accept-Language', 'en').expect(200);
      expect(after.text).to.include('Note: translations are missing');
      expect((await getCampaign(id)).status).to.equal('open');
    });

    it('when every text has both languages, then the draft page lists nothing', async () => {
      const draft = await createCampaign(interviewTemplate(), { ownerId: s.user.id });
      const page = await s.agent.get(`/lead/campaigns/${String(draft._id)}`).set('Accept-Language', 'en').expect(200);
      expect(page.text).not.to.include('Missing translations');
    });

    it('when the form is saved with German and English texts, then both are stored; without any title it comes back with the message and the input kept', async () => {
      const template = interviewTemplate();
      const form: Record<string, string | string[]> = { languages: ['de', 'en'], anonymity: 'anonymous', address: 'sie', _csrf: s.csrf };
      template.questions.forEach((q, i) => {
        form[`questions[${i}][key]`] = q.key;
        form[`questions[${i}][role]`] = q.role;
        form[`questions[${i}][prompt_de]`] = q.prompt.de;
        form[`questions[${i}][prompt_en]`] = q.prompt.en;
        form[`questions[${i}][mode_text]`] = 'on';
        form[`questions[${i}][required]`] = 'on';
      });
      const bad = await s.agent
        .post('/lead/campaigns')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ ...form, title_de: '', title_en: ' ', description_de: '', description_en: 'Kept description' })
        .expect(400);
      expect(bad.text).to.include('Please enter a title – in German, in English or in both.');
      expect(bad.text).to.include('href="#f-titles-de"');
      expect(bad.text).to.match(/<input id="f-titles-de" name="title_de"[^>]*aria-invalid="true"/);
      expect(bad.text).to.include('Kept description</textarea>');
      expect(bad.text).to.include('Title (German)');
      const badDe = await s.agent.post('/lead/campaigns').set('Accept-Language', 'de').type('form').send({ ...form, title_de: '', title_en: '' }).expect(400);
      expect(badDe.text).to.include('Bitte einen Titel angeben');
      expect(badDe.text).to.include('Titel (Englisch)');

      const ok = await s.agent
        .post('/lead/campaigns')
        .type('form')
        .send({ ...form, title_de: 'Umfrage Nord', title_en: 'Survey North', description_de: 'Beschreibung', description_en: '' })
        .expect(303);
      const id = /\/lead\/campaigns\/([0-9a-f]{24})/.exec(ok.headers.location)![1];
      const stored = await getCampaign(id);
      expect(stored.title).to.equal('Umfrage Nord');
      expect(stored.description).to.equal('Beschreibung');
      expect(stored.titles).to.deep.include({ de: 'Umfrage Nord', en: 'Survey North' });
      expect(stored.descriptions).to.deep.include({ de: 'Beschreibung', en: '' });
      const edit = await s.agent.get(`/lead/campaigns/${id}/edit`).expect(200);
      expect(edit.text).to.match(/name="title_en"[^>]*value="Survey North"/);

      // A question in German only is saved (not refused) and listed as a missing translation.
      const partial = await s.agent
        .post('/lead/campaigns')
        .type('form')
        .send({ ...form, title_de: 'Teilweise', title_en: 'Partly', 'questions[2][prompt_en]': '' })
        .expect(303);
      const page = await s.agent.get(partial.headers.location.replace(/\?.*$/, '')).set('Accept-Language', 'en').expect(200);
      expect(page.text).to.match(/Missing in English:<\/strong>\s*question 3<\/li>/);
    });

    it('when an open campaign\'s English title is changed on its form, then respondents see the new one', async () => {
      const draft = await createCampaign({ ...interviewTemplate(), ...germanOnly }, { ownerId: s.user.id });
      const c = await changeStatus(String(draft._id), 'open');
      await s.agent
        .post(`/lead/campaigns/${String(c._id)}`)
        .type('form')
        .send({ scope: 'open', title_de: 'Nur auf Deutsch', title_en: 'Now in English', description_de: 'Worum es geht (deutsch)', description_en: 'What it is about', _csrf: s.csrf })
        .expect(303);
      forgetCampaign();
      const res = await request(app).get(`/r/${c.publicToken}`).set('Accept-Language', 'en').expect(200);
      expect(res.text).to.include('<h1 lang="en">Now in English</h1>');
      expect(res.text).to.include('What it is about');
      expect(res.text).not.to.include('fallback-note');
    });
  });

  describe('API', () => {
    it('when a campaign is created and changed with titles and descriptions, then the API returns them', async () => {
      const { header } = await apiAuth('lead');
      const { title: _t, description: _d, ...template } = interviewTemplate();
      const body = { ...template, titles: { de: 'API-Umfrage', en: 'API survey' }, descriptions: { de: '', en: 'Only English' } };
      const created = await request(app).post('/api/v1/campaigns').set('Authorization', header).send(body).expect(201);
      expect(created.body.titles).to.deep.equal({ de: 'API-Umfrage', en: 'API survey' });
      expect(created.body.descriptions).to.deep.equal({ de: '', en: 'Only English' });
      expect(created.body.title).to.equal('API-Umfrage');
      expect(created.body.description).to.equal('Only English');
      const id = created.body.id as string;
      const put = await request(app)
        .put(`/api/v1/campaigns/${id}`)
        .set('Authorization', header)
        .send({ ...body, titles: { de: 'API-Umfrage 2', en: 'API survey 2' }, version: created.body.version })
        .expect(200);
      expect(put.body.titles).to.deep.equal({ de: 'API-Umfrage 2', en: 'API survey 2' });
      const got = await request(app).get(`/api/v1/campaigns/${id}`).set('Authorization', header).expect(200);
      expect(got.body.titles).to.deep.equal({ de: 'API-Umfrage 2', en: 'API survey 2' });
      expect(got.body.descriptions).to.deep.equal({ de: '', en: 'Only English' });
      // A client that sends back what it fetched, with one text per language changed: the unchanged single title is not a change.
      const { id: _id, link: _l, questionsLocked: _q, createdAt: _c, updatedAt: _u, openedAt: _o, closedAt: _cl, opensAt: _os, closesAt: _cs, status: _s, ...fetched } = got.body;
      const roundTrip = await request(app)
        .put(`/api/v1/campaigns/${id}`)
        .set('Authorization', header)
        .send({ ...fetched, titles: { ...got.body.titles, de: 'API-Umfrage 3' } })
        .expect(200);
      expect(roundTrip.body.title).to.equal('API-Umfrage 3');
      expect(roundTrip.body.titles).to.deep.equal({ de: 'API-Umfrage 3', en: 'API survey 2' });

      const none = await request(app).post('/api/v1/campaigns').set('Authorization', header).send({ ...template, titles: { de: '', en: '' } }).expect(400);
      expect(none.body.error.fields).to.have.property('titles.de', 'validation.title_required');
      // A question needs its wording in at least one campaign language (one is enough: the other is listed as missing).
      const questions = template.questions.map((q, i) => (i === 1 ? { ...q, prompt: { de: '', en: '' } } : i === 2 ? { ...q, prompt: { de: q.prompt.de, en: '' } } : q));
      const noPrompt = await request(app).post('/api/v1/campaigns').set('Authorization', header).send({ ...body, questions }).expect(400);
      expect(Object.keys(noPrompt.body.error.fields)).to.deep.equal(['questions.1.prompt.de']);
    });

    it('when openapi.json is fetched, then it describes titles and descriptions', async () => {
      const { header } = await apiAuth('lead');
      const doc = await request(app).get('/api/v1/openapi.json').set('Authorization', header).expect(200);
      expect(doc.body.components.schemas.Campaign.properties).to.include.keys('titles', 'descriptions');
      expect(doc.body.components.schemas.CampaignInput.properties).to.include.keys('titles', 'descriptions');
    });
  });
});
