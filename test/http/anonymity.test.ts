import { expect } from 'chai';
import { createFromApi } from '../../src/responses/response.service.js';
import { staffClient, testApp } from '../helpers/app.js';
import { ANSWERS_DE, openTemplateCampaign } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

/**
 * Eleven responses: five from IT in Hamburg, five from Sales in Hamburg, one (marked by its q3
 * text) from HR in Munich. The anonymity plan offers "IT" only: offering Sales too would leave
 * the HR person as "everyone minus IT minus Sales", and Hamburg would leave them as "everyone
 * minus Hamburg".
 */
async function campaignWithSmallGroup(anonymity: 'anonymous' | 'identified') {
  const c = await openTemplateCampaign({ anonymity });
  for (let i = 0; i < 5; i += 1) {
    await createFromApi(c, { submissionId: `it-${i}-aaaa`, lang: 'de', answers: ANSWERS_DE, segments: { department: 'it', location: 'hamburg' } });
    await createFromApi(c, { submissionId: `sales-${i}-aaaa`, lang: 'de', answers: { ...ANSWERS_DE, q3: 'Vertrieb sagt: zu viele Tools.' }, segments: { department: 'sales', location: 'hamburg' } });
  }
  await createFromApi(c, {
    submissionId: 'hr-only-aaaa',
    lang: 'de',
    answers: { ...ANSWERS_DE, q3: 'Die einzige Antwort aus der Personalabteilung.' },
    segments: { department: 'hr', location: 'munich' },
  });
  return c;
}

describe('anonymity: segment values next to single answers', () => {
  useTestDb('anonymity');
  const app = testApp();

  it('when a group is below the minimum size in an anonymous campaign, then its value is hidden on every answer page', async () => {
    const c = await campaignWithSmallGroup('anonymous');
    const lead = await staffClient(app, 'admin');
    const id = String(c._id);
    const list = await lead.get(`/lead/campaigns/${id}/responses`).set('Accept-Language', 'en').expect(200);
    expect(list.text).to.include('<td>IT</td>');
    expect(list.text).not.to.include('<td>HR</td>');
    expect(list.text).not.to.include('<td>Munich</td>');
    expect(list.text).not.to.include('<td>Hamburg</td>');
    expect(list.text).not.to.include('<td>Sales</td>');
    expect(list.text).to.include('hidden (anonymity protection)');

    const q3 = await lead.get(`/lead/campaigns/${id}/questions/q3`).set('Accept-Language', 'en').expect(200);
    const hrItem = q3.text.split('<li class="panel">').find((part) => part.includes('Personalabteilung'))!;
    expect(hrItem).to.be.a('string');
    expect(hrItem).not.to.include('HR');
    expect(hrItem).not.to.include('Munich');
    const itItem = q3.text.split('<li class="panel">').find((part) => part.includes('Zu viele Tools'))!;
    expect(itItem).to.include('IT');

    const rid = /responses\/(s_[A-Za-z0-9_-]+hr-only-aaaa)"/.exec(q3.text)?.[1];
    const one = await lead.get(`/lead/campaigns/${id}/responses/${rid}`).set('Accept-Language', 'en').expect(200);
    expect(one.text).to.include('hidden (anonymity protection)');
    expect(one.text).not.to.match(/<dd>HR<\/dd>/);
  });

  it('when the API lists or reads responses of an anonymous campaign, then small-group values are left out there too', async () => {
    const c = await campaignWithSmallGroup('anonymous');
    const lead = await staffClient(app, 'admin');
    const list = await lead.get(`/api/v1/campaigns/${String(c._id)}/responses?limit=50`).expect(200);
    const hr = list.body.items.find((r: { answers: { q3: { text: string } } }) => r.answers.q3.text.includes('Personalabteilung'));
    expect(hr.segments).to.deep.equal({});
    const it = list.body.items.find((r: { answers: { q3: { text: string } } }) => r.answers.q3.text === ANSWERS_DE.q3);
    expect(it.segments).to.deep.equal({ department: 'it' });
    const sales = list.body.items.find((r: { answers: { q3: { text: string } } }) => r.answers.q3.text.startsWith('Vertrieb'));
    expect(sales.segments).to.deep.equal({});
    const one = await lead.get(`/api/v1/campaigns/${String(c._id)}/responses/${hr.id}`).expect(200);
    expect(one.body.segments).to.deep.equal({});
  });

  it('when the campaign is identified, then all values are shown', async () => {
    const c = await campaignWithSmallGroup('identified');
    const lead = await staffClient(app, 'admin');
    const list = await lead.get(`/lead/campaigns/${String(c._id)}/responses`).set('Accept-Language', 'en').expect(200);
    expect(list.text).to.include('<td>HR</td>');
    expect(list.text).not.to.include('hidden (anonymity protection)');
  });
});
