import { expect } from 'chai';
import request from 'supertest';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { ParticipantModel } from '../../src/participants/participant.model.js';
import { claimForSubmit } from '../../src/participants/participant.service.js';
import { claimKeyFor, hashParticipantToken } from '../../src/participants/participant.tokens.js';
import { DraftModel, ResponseModel } from '../../src/responses/response.model.js';
import { csrfFrom, respondentPost, staffClient, testApp } from '../helpers/app.js';
import { ANSWERS_DE, openTemplateCampaign } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

const LIST = [
  'E-Mail;Name;Bereich;Standort',
  'anna@example.com;Anna <script>alert(1)</script>;Vertrieb;Hamburg',
  'not-an-email;Bob;IT;Remote',
  'carla@example.com;Carla;Marketing;Bremen',
  'ANNA@example.com;Anna again;IT;Bremen',
  ';Dora ohne Mail;it;remote',
].join('\n');

function answersForm(extra: Record<string, string> = {}) {
  return { submissionId: `sub-${Math.random().toString(36).slice(2, 14)}`, ...Object.fromEntries(Object.entries(ANSWERS_DE).map(([k, v]) => [`answers[${k}]`, v])), ...extra };
}

function cookieValue(res: request.Response, name: string): string | undefined {
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
  return raw ? decodeURIComponent(raw.split(';')[0].slice(name.length + 1)) : undefined;
}

describe('participants (/lead/campaigns/:id/participants, /p/:token)', () => {
  useTestDb('participants');
  const app = testApp({ publicBaseUrl: 'https://voice.example.com' });

  async function importList(campaignId: string, csv: string) {
    await (await staff(app)).post(`/lead/campaigns/${campaignId}/participants/import`).field('csv', csv).field('action', 'confirm').expect(303);
  }

  /** Exports links and returns email → raw token. */
  async function exportTokens(campaignId: string): Promise<Map<string, string>> {
    const res = await (await staff(app)).post(`/lead/campaigns/${campaignId}/participants/export`).expect(200);
    const out = new Map<string, string>();
    for (const line of res.text.replace(/^\uFEFF/, '').split('\r\n').slice(1)) {
      const cells = line.split(',').map((c) => c.replace(/^"|"$/g, ''));
      const m = /\/p\/([A-Za-z0-9_-]+)$/.exec(cells[cells.length - 1]);
      if (m) out.set(cells[0] || cells[1], m[1]);
    }
    return out;
  }

  describe('import with preview', () => {
    it('when a list is previewed, then rows and per-line errors are shown, the input is kept, and nothing is stored', async () => {
      const c = await openTemplateCampaign();
      const res = await (await staff(app)).post(`/lead/campaigns/${String(c._id)}/participants/import`).set('Accept-Language', 'en').field('csv', LIST).field('action', 'preview').expect(200);
      expect(res.text).to.include('2 rows will be imported');
      expect(res.text).to.include('Line 3: “not-an-email” is not a valid e-mail address');
      expect(res.text).to.include('Line 4: “Marketing” is not an option of the column “Bereich”');
      expect(res.text).to.include('Line 5: anna@example.com is already in line 2');
      // The pasted text comes back (escaped) in the text box, and the XSS payload is inert.
      expect(res.text).to.include('Anna &lt;script&gt;alert(1)&lt;/script&gt;;Vertrieb;Hamburg');
      expect(res.text).not.to.include('<script>alert(1)</script>');
      expect(res.text).to.include('name="action" value="confirm"');
      expect(await ParticipantModel.countDocuments({ campaignId: c._id })).to.equal(0);
    });

    it('when the preview is confirmed, then only the valid rows are stored, with option keys and no tokens yet', async () => {
      const c = await openTemplateCampaign();
      const res = await (await staff(app)).post(`/lead/campaigns/${String(c._id)}/participants/import`).field('csv', LIST).field('action', 'confirm').expect(303);
      expect(res.headers.location).to.equal(`/lead/campaigns/${String(c._id)}/participants?done=imported&n=2`);
      const stored = await ParticipantModel.find({ campaignId: c._id }).sort({ _id: 1 }).lean();
      expect(stored.map((p) => p.email)).to.deep.equal(['anna@example.com', '']);
      expect(stored[0].segments).to.deep.equal({ department: 'sales', location: 'hamburg' });
      expect(stored[1]).to.deep.include({ name: 'Dora ohne Mail', status: 'invited' });
      expect(stored[1].segments).to.deep.equal({ department: 'it', location: 'remote' });
      expect(stored.every((p) => p.tokenHashes.length === 0)).to.equal(true);

      // Importing the same e-mail again is reported as a duplicate and stores nothing.
      const again = await (await staff(app)).post(`/lead/campaigns/${String(c._id)}/participants/import`).set('Accept-Language', 'en').field('csv', 'email\nanna@example.com\n').field('action', 'confirm').expect(400);
      expect(again.text).to.include('anna@example.com is already a participant of this campaign');
      expect(await ParticipantModel.countDocuments({ campaignId: c._id })).to.equal(2);
    });

    it('when an uploaded file is not UTF-8, then 400 says how to fix it and nothing is stored', async () => {
      const c = await openTemplateCampaign();
      const res = await (await staff(app))
        .post(`/lead/campaigns/${String(c._id)}/participants/import`)
        .set('Accept-Language', 'de')
        .field('action', 'confirm')
        .attach('file', Buffer.from('email;name\nm@example.com;Müller\n', 'latin1'), 'liste.csv')
        .expect(400);
      expect(res.text).to.include('nicht UTF-8-kodiert');
      expect(await ParticipantModel.countDocuments({ campaignId: c._id })).to.equal(0);
    });

    it('when a UTF-8 file with BOM is uploaded, then its content is previewed and put into the text box for the confirm step', async () => {
      const c = await openTemplateCampaign();
      const res = await (await staff(app))
        .post(`/lead/campaigns/${String(c._id)}/participants/import`)
        .field('action', 'preview')
        .attach('file', Buffer.from('\uFEFFemail,name\nm@example.com,Müller\n', 'utf8'), 'liste.csv')
        .expect(200);
      expect(res.text).to.include('email,name\nm@example.com,Müller');
      expect(await ParticipantModel.countDocuments({ campaignId: c._id })).to.equal(0);
    });

    it('when the upload is larger than 5 MB, then 413 with a message and nothing is stored', async () => {
      const c = await openTemplateCampaign();
      const big = Buffer.alloc(5 * 1024 * 1024 + 10, 'a');
      const res = await (await staff(app)).post(`/lead/campaigns/${String(c._id)}/participants/import`).set('Accept-Language', 'en').attach('file', big, 'big.csv').expect(413);
      expect(res.text).to.include('larger than 5 MB');
      expect(await ParticipantModel.countDocuments({ campaignId: c._id })).to.equal(0);
    });
  });

  describe('personal links', () => {
    it('when links are exported, then each row has a fresh link, only its hash is stored, and an earlier link keeps working', async () => {
      const c = await openTemplateCampaign();
      await importList(String(c._id), 'email;name;department\na@example.com;A;sales\nb@example.com;=HYPERLINK("x");it\n');
      const res = await (await staff(app)).post(`/lead/campaigns/${String(c._id)}/participants/export`).expect(200);
      expect(res.headers['content-type']).to.match(/^text\/csv/);
      expect(res.headers['cache-control']).to.equal('no-store');
      expect(res.text.startsWith('\uFEFF"email","name","department","location","role","link"')).to.equal(true);
      expect(res.text).to.include(`"'=HYPERLINK(""x"")"`);
      const first = await exportTokens(String(c._id));
      const tokenA = first.get('a@example.com')!;
      expect(tokenA).to.match(/^[A-Za-z0-9_-]{43}$/);
      const stored = await ParticipantModel.findOne({ email: 'a@example.com', campaignId: c._id }).lean();
      expect(stored!.tokenHashes).to.include(hashParticipantToken(tokenA));
      expect(JSON.stringify(stored)).not.to.include(tokenA);

      const second = await exportTokens(String(c._id));
      expect(second.get('a@example.com')).not.to.equal(tokenA);
      for (const token of [tokenA, second.get('a@example.com')!]) {
        const r = await request(app).get(`/p/${token}`).expect(303);
        expect(r.headers.location).to.equal(`/r/${c.publicToken}`);
      }
    });

    it('when a link is redeemed, then an httpOnly cookie scoped to the campaign holds it and the redirect URL is clean', async () => {
      const c = await openTemplateCampaign();
      await importList(String(c._id), 'email\na@example.com\n');
      const token = (await exportTokens(String(c._id))).get('a@example.com')!;
      const res = await request(app).get(`/p/${token}`).expect(303);
      expect(res.headers.location).to.equal(`/r/${c.publicToken}`);
      expect(res.headers.location).not.to.include(token);
      expect(res.headers['referrer-policy']).to.equal('no-referrer');
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((s) => s.startsWith('wv_participant='))!;
      expect(cookie).to.include(`Path=/r/${c.publicToken}`);
      expect(cookie).to.include('HttpOnly');
      expect(cookie).to.include('SameSite=Lax');
    });

    it('when a token is unknown or malformed, then the same friendly 404 as an unknown campaign link, and no cookie', async () => {
      const unknown = await request(app).get(`/p/${'A'.repeat(43)}`).set('Accept-Language', 'en').expect(404);
      const malformed = await request(app).get('/p/%27%24ne%22').set('Accept-Language', 'en').expect(404);
      const campaignLink = await request(app).get(`/r/${'A'.repeat(22)}`).set('Accept-Language', 'en').expect(404);
      expect(unknown.text).to.include('Survey not found');
      // Same page; only the language-switch links repeat the requested path.
      const body = (r: request.Response) => r.text.replace(/href="\/[pr]\/[^"?]*\?lang=/g, 'href="PATH?lang=');
      expect(body(malformed)).to.equal(body(unknown));
      expect(body(unknown)).to.equal(body(campaignLink));
      expect(unknown.headers['set-cookie']).to.equal(undefined);
      expect(malformed.headers['set-cookie']).to.equal(undefined);
    });
  });

  describe('one submission per personal link', () => {
    /** A browser that opened a personal link; its POSTs carry the page's CSRF token, as the real pages do. */
    async function participantAgent(token: string) {
      const agent = request.agent(app);
      const redirect = await agent.get(`/p/${token}`).expect(303);
      const page = await agent.get(String(redirect.headers.location));
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
      if (csrf) agent.set('X-CSRF-Token', csrf);
      // The device's resume cookie is set on its first page view.
      return Object.assign(agent, { resume: cookieValue(page, 'wv_resume') });
    }

    it('when an anonymous campaign is answered through a personal link, then the segments come from the list and the response holds nothing that points to the person', async () => {
      const c = await openTemplateCampaign({ anonymity: 'anonymous' });
      await importList(String(c._id), 'email;name;department;location\nanna@example.com;Anna;sales;hamburg\n');
      const token = (await exportTokens(String(c._id))).get('anna@example.com')!;
      const agent = await participantAgent(token);
      await respondentPost(agent, c.publicToken, 'start', { lang: 'de', consent: 'yes' }, 303);
      const page = await agent.get(`/r/${c.publicToken}/answer`).expect(200);
      expect(page.text).to.include('Aus Deiner Einladung übernommen.'); // the template campaign says Du
      expect(page.text).not.to.include('name="segments[department]"');
      // A forged segment value in the form is overridden by the list.
      await respondentPost(agent, c.publicToken, 'submit', answersForm({ 'segments[department]': 'it' }), 303);

      const participant = await ParticipantModel.findOne({ campaignId: c._id }).lean();
      expect(participant!.status).to.equal('responded');
      expect(participant!.claimKey).to.equal(undefined);
      const respondedAt = participant!.respondedAt!;
      expect(respondedAt.getUTCHours() + respondedAt.getUTCMinutes() + respondedAt.getUTCSeconds() + respondedAt.getUTCMilliseconds()).to.equal(0);
      expect(participant).not.to.have.property('updatedAt');

      const responses = await ResponseModel.find({ campaignId: c._id }).lean();
      expect(responses).to.have.length(1);
      expect(responses[0].status).to.equal('submitted');
      expect(responses[0].segments).to.deep.equal({ department: 'sales', location: 'hamburg' });
      expect(responses[0]).not.to.have.property('participantId');
      const raw = JSON.stringify(responses[0]);
      for (const secret of [String(participant!._id), 'anna', token, ...participant!.tokenHashes]) expect(raw.toLowerCase()).not.to.include(secret.toLowerCase());
    });

    it('when an identified campaign is answered through a personal link, then the response stores the participant id', async () => {
      const c = await openTemplateCampaign({ anonymity: 'identified' });
      await importList(String(c._id), 'email\nida@example.com\n');
      const agent = await participantAgent((await exportTokens(String(c._id))).get('ida@example.com')!);
      await respondentPost(agent, c.publicToken, 'start', { lang: 'de', consent: 'yes' }, 303);
      await respondentPost(agent, c.publicToken, 'submit', answersForm(), 303);
      const participant = await ParticipantModel.findOne({ campaignId: c._id }).lean();
      const response = await ResponseModel.findOne({ campaignId: c._id }).lean();
      expect(String(response!.participantId)).to.equal(String(participant!._id));
      expect(participant!.status).to.equal('responded');
    });

    it('when the same personal link is used on a second device, then it cannot submit again and only one response exists', async () => {
      const c = await openTemplateCampaign();
      await importList(String(c._id), 'email\ntwo@example.com\n');
      const token = (await exportTokens(String(c._id))).get('two@example.com')!;
      const phone = await participantAgent(token);
      const laptop = await participantAgent(token);
      await phone.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes' }).expect(303);
      await laptop.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes' }).expect(303);
      await phone.post(`/r/${c.publicToken}/submit`).type('form').send(answersForm()).expect(303);
      const second = await laptop.post(`/r/${c.publicToken}/submit`).type('form').set('Accept-Language', 'de').send(answersForm()).expect(409);
      expect(second.text).to.include('Du hast bereits geantwortet');
      expect(await ResponseModel.countDocuments({ campaignId: c._id, status: 'submitted' })).to.equal(1);
      // A third device with the link does not even get a consent form.
      const third = await participantAgent(token);
      await third.get(`/r/${c.publicToken}`).expect(409);
      // One response; the laptop's consent stored nothing, and what it types can never be submitted.
      expect(await ResponseModel.countDocuments({ campaignId: c._id })).to.equal(1);
      expect(await DraftModel.countDocuments({ campaignId: c._id })).to.equal(0);
      await laptop.post(`/r/${c.publicToken}/submit`).type('form').set('Accept-Language', 'de').send(answersForm()).expect(409);
      expect(await ResponseModel.countDocuments({ campaignId: c._id })).to.equal(1);
    });

    it('when a submit crashed after claiming the participant, then a retry from that device finishes and other devices are refused', async () => {
      const c = await openTemplateCampaign();
      await importList(String(c._id), 'email\ncrash@example.com\n');
      const token = (await exportTokens(String(c._id))).get('crash@example.com')!;
      const device = await participantAgent(token);
      await device.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes' }).expect(303);
      const resume = device.resume!;
      const participant = await ParticipantModel.findOne({ campaignId: c._id }).lean();
      // The crash: step 1 (claim) happened, step 2 (flip the draft) did not.
      await claimForSubmit(participant!._id, claimKeyFor(resume));

      const other = await participantAgent(token);
      await other.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes' }).expect(303);
      await other.post(`/r/${c.publicToken}/submit`).type('form').send(answersForm()).expect(409);

      await device.post(`/r/${c.publicToken}/submit`).type('form').send(answersForm()).expect(303);
      const after = await ParticipantModel.findById(participant!._id).lean();
      expect(after!.status).to.equal('responded');
      expect(await ResponseModel.countDocuments({ campaignId: c._id, status: 'submitted' })).to.equal(1);
    });

    it('when a submit crashed after the draft was flipped, then the device’s next visit marks the participant responded', async () => {
      const c = await openTemplateCampaign();
      await importList(String(c._id), 'email\nlate@example.com\n');
      const token = (await exportTokens(String(c._id))).get('late@example.com')!;
      const device = await participantAgent(token);
      await device.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes' }).expect(303);
      const resume = device.resume!;
      await device.post(`/r/${c.publicToken}/submit`).type('form').send(answersForm()).expect(303);
      // Rewind step 3, as if the process died between flipping the draft and marking the participant.
      await ParticipantModel.updateOne({ campaignId: c._id }, { $set: { status: 'submitting', claimKey: claimKeyFor(resume) }, $unset: { respondedAt: 1 } });
      await device.get(`/r/${c.publicToken}`).expect(303);
      const after = await ParticipantModel.findOne({ campaignId: c._id }).lean();
      expect(after!.status).to.equal('responded');
      expect(after!.claimKey).to.equal(undefined);
    });
  });

  describe('public link switch', () => {
    it('when the public link is off, then new drafts need a personal link, while personal links still work', async () => {
      const c = await openTemplateCampaign();
      await importList(String(c._id), 'email\np@example.com\n');
      await (await staff(app)).post(`/lead/campaigns/${String(c._id)}/participants/public-link`).type('form').send({ enabled: 'off' }).expect(303);
      expect((await CampaignModel.findById(c._id).lean())!.publicLinkEnabled).to.equal(false);

      const page = await request(app).get(`/r/${c.publicToken}`).set('Accept-Language', 'en').expect(403);
      expect(page.text).to.include('Personal link required');
      await request(app).post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes' }).expect(403);
      expect(await DraftModel.countDocuments({ campaignId: c._id })).to.equal(0);

      const agent = request.agent(app);
      await agent.get(`/p/${(await exportTokens(String(c._id))).get('p@example.com')!}`).expect(303);
      await agent.get(`/r/${c.publicToken}`).expect(200);
      await respondentPost(agent, c.publicToken, 'start', { lang: 'de', consent: 'yes' }, 303);
      // The personal link's device may answer: its first autosave creates its draft.
      const form = await agent.get(`/r/${c.publicToken}/answer`).expect(200);
      await agent.post(`/r/${c.publicToken}/autosave`).set('Accept', 'application/json').set('X-CSRF-Token', csrfFrom(form.text)).send({ answers: { q1: 'Mail' } }).expect(200);
      expect(await DraftModel.countDocuments({ campaignId: c._id })).to.equal(1);

      await (await staff(app)).post(`/lead/campaigns/${String(c._id)}/participants/public-link`).type('form').send({ enabled: 'on' }).expect(303);
      await request(app).get(`/r/${c.publicToken}`).expect(200);
    });

    it('when the switch gets an unexpected value, then 400 and the campaign is unchanged', async () => {
      const c = await openTemplateCampaign();
      await (await staff(app)).post(`/lead/campaigns/${String(c._id)}/participants/public-link`).type('form').send({ enabled: 'maybe' }).expect(400);
      expect((await CampaignModel.findById(c._id).lean())!.publicLinkEnabled).to.equal(true);
    });
  });

  describe('response rate', () => {
    it('when groups are below the minimum size, then their figures are hidden, including the complementary group', async () => {
      const c = await openTemplateCampaign({ anonymity: 'identified' });
      const docs = [
        ...Array.from({ length: 8 }, (_, i) => ({ department: 'sales', responded: i < 6 })),
        ...Array.from({ length: 6 }, (_, i) => ({ department: 'it', responded: i < 3 })),
        ...Array.from({ length: 12 }, (_, i) => ({ department: 'hr', responded: i < 3 })),
        ...Array.from({ length: 2 }, () => ({ department: 'finance', responded: true })),
      ].map((d, i) => ({
        campaignId: c._id,
        key: `${String(c._id)}:#${i}`,
        segments: { department: d.department },
        status: d.responded ? 'responded' : 'invited',
      }));
      await ParticipantModel.insertMany(docs);
      const res = await (await staff(app)).get(`/lead/campaigns/${String(c._id)}/participants`).set('Accept-Language', 'en').expect(200);
      const table = res.text.slice(res.text.indexOf('Response rate by Department'));
      const row = (label: string) => table.slice(table.indexOf(`<th scope="row">${label}</th>`), table.indexOf('</tr>', table.indexOf(`<th scope="row">${label}</th>`)));
      expect(res.text).to.include('<span class="figure">28</span>'); // invited
      expect(res.text).to.include('<span class="figure">14</span>'); // responded overall
      expect(row('Sales')).to.include('>8<').and.to.include('75 %');
      expect(row('HR')).to.include('25 %');
      expect(row('Finance')).to.include('hidden (anonymity protection)');
      expect(row('Finance')).not.to.include('100 %');
      // Finance (2) is the only small group, so IT (6, the next smallest) is hidden as well.
      expect(row('IT')).to.include('hidden (anonymity protection)');
      expect(row('IT')).not.to.include('50 %');
      // Options nobody was invited from are hidden too (size 0 < 5).
      expect(row('Operations')).to.include('hidden (anonymity protection)');
    });

    it('when the minimum group size is raised, then the same page hides more', async () => {
      const c = await openTemplateCampaign();
      await ParticipantModel.insertMany(Array.from({ length: 6 }, (_, i) => ({ campaignId: c._id, key: `${String(c._id)}:#${i}`, segments: { department: 'sales' } })));
      await (await staff(app))
        .post(`/lead/campaigns/${String(c._id)}/participants/settings`)
        .type('form')
        .send({ senderName: 'Projekt Nord', replyTo: 'projekt@example.com', reminderAfterDays: '5', maxReminders: '1', minGroupSize: '10' })
        .expect(303);
      const saved = (await CampaignModel.findById(c._id).lean())!;
      expect(saved.minGroupSize).to.equal(10);
      expect(saved.mailing).to.deep.include({ senderName: 'Projekt Nord', replyTo: 'projekt@example.com', reminderAfterDays: 5, maxReminders: 1 });
      const res = await (await staff(app)).get(`/lead/campaigns/${String(c._id)}/participants`).set('Accept-Language', 'en').expect(200);
      expect(res.text).to.include('hidden (anonymity protection)');
    });

    it('when settings are invalid, then 400 with field messages, the input kept, and nothing saved', async () => {
      const c = await openTemplateCampaign();
      const res = await (await staff(app))
        .post(`/lead/campaigns/${String(c._id)}/participants/settings`)
        .set('Accept-Language', 'en')
        .type('form')
        .send({ senderName: 'Evil\r\nBcc: x@example.com', replyTo: 'nope', reminderAfterDays: '-1', maxReminders: '2', minGroupSize: '1' })
        .expect(400);
      expect(res.text).to.include('Please enter a valid e-mail address.');
      expect(res.text).to.include('The minimum group size must be at least 3.');
      expect(res.text).to.include('value="nope"');
      const saved = (await CampaignModel.findById(c._id).lean())!;
      expect(saved.minGroupSize).to.equal(5);
      expect(saved.mailing?.replyTo).to.equal('');
    });
  });
});

/** One signed-in admin client per app (admins see every campaign the tests create). */
const staffByApp = new WeakMap<object, ReturnType<typeof staffClient>>();
function staff(app: Parameters<typeof staffClient>[0]) {
  let client = staffByApp.get(app);
  if (!client) {
    client = staffClient(app, 'admin');
    staffByApp.set(app, client);
  }
  return client;
}
