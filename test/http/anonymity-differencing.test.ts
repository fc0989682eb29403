import { expect } from 'chai';
import mongoose from 'mongoose';
import { createRunner } from '../../src/analysis-runs/runner.js';
import { startRun } from '../../src/analysis-runs/analysis-run.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { changeStatus, createCampaign, setMember, type Campaign } from '../../src/campaigns/campaign.service.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { signIn, testApp, type SignedIn } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';

/*
 * Issue 12, part 2, tried as a stakeholder over HTTP only: every filter combination the dashboard
 * offers is opened, every answer behind it is collected from the drill-down pages, and every two
 * views are compared. No difference of two views may single out fewer than the campaign's
 * minimum group — the attack of the issue was "Munich" (11) minus "Munich × Sales" (9).
 * Setup (campaign, responses, analysis) goes through the services; the attacker only talks HTTP.
 */

const K = 5;

/** Munich: 9 Sales + 2 IT; Hamburg: 6 Sales + 7 IT; 3 HR people without a location. */
const PEOPLE: Array<{ department: string; location?: string; lang: 'de' | 'en' }> = [
  ...Array.from({ length: 9 }, () => ({ department: 'sales', location: 'munich', lang: 'de' as const })),
  ...Array.from({ length: 2 }, () => ({ department: 'it', location: 'munich', lang: 'en' as const })),
  ...Array.from({ length: 6 }, () => ({ department: 'sales', location: 'hamburg', lang: 'de' as const })),
  ...Array.from({ length: 7 }, () => ({ department: 'it', location: 'hamburg', lang: 'en' as const })),
  ...Array.from({ length: 3 }, () => ({ department: 'hr', lang: 'de' as const })),
];

function segmentsInput() {
  const opt = (key: string, de: string, en: string) => ({ key, label: { de, en } });
  return [
    { key: 'location', label: { de: 'Standort', en: 'Location' }, required: false, options: [opt('munich', 'München', 'Munich'), opt('hamburg', 'Hamburg', 'Hamburg')] },
    { key: 'department', label: { de: 'Bereich', en: 'Department' }, required: false, options: [opt('sales', 'Vertrieb', 'Sales'), opt('it', 'IT', 'IT'), opt('hr', 'Personal', 'HR')] },
  ];
}

async function campaignOf(people: typeof PEOPLE, ownerId: string): Promise<Campaign> {
  const input = campaignInputSchema.parse({ ...interviewTemplate(), title: 'Differenzangriff', minGroupSize: K, segments: segmentsInput() });
  const campaign = await changeStatus(String((await createCampaign(input, { ownerId }))._id), 'open');
  for (const [i, p] of people.entries()) {
    const tag = `P${String(i).padStart(2, '0')}X`;
    const answers =
      p.lang === 'de'
        ? { q1: `Ich (${tag}) nutze E-Mail und Telefon.`, q2: `Von überall arbeiten (${tag}).`, q3: `Zu viele Tools (${tag}).`, q4: `Eine Suche über alles (${tag}).` }
        : { q1: `I (${tag}) use e-mail and the phone.`, q2: `Working from anywhere (${tag}).`, q3: `Too many tools (${tag}).`, q4: `One search across everything (${tag}).` };
    const segments: Record<string, string> = { department: p.department };
    if (p.location) segments.location = p.location;
    await createFromApi(campaign, { submissionId: `diff-${String(i).padStart(4, '0')}`, lang: p.lang, answers, segments });
  }
  await startRun(campaign._id as mongoose.Types.ObjectId);
  const outcome = await createRunner({ instanceId: `diff-${process.pid}` }).runOnce();
  expect(outcome?.status).to.equal('done');
  return campaign;
}

/** Enabled options of the dashboard's filter form: dimension query name → values. */
function offeredFilters(html: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of html.matchAll(/<select[^>]*name="((?:seg-[a-z_]+)|language)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const values = [...m[2].matchAll(/<option value="([^"]+)"([^>]*)>/g)].filter((o) => o[1] !== '' && !/disabled/.test(o[2])).map((o) => o[1]);
    out.set(m[1], values);
  }
  return out;
}

/** Every person marker (P00X …) behind a dashboard view, over all drill-down pages. */
async function peopleIn(agent: SignedIn['agent'], base: string, query: string): Promise<Set<string> | null> {
  const seen = new Set<string>();
  for (let page = 1; page < 50; page++) {
    const res = await agent.get(`${base}/answers?kind=all&page=${page}${query}`).set('Accept-Language', 'en').expect(200);
    if (res.text.includes('Too few people for this view')) return null;
    const found = [...res.text.matchAll(/\b(P\d\dX)\b/g)].map((m) => m[1]);
    found.forEach((p) => seen.add(p));
    if (!/rel="next"/.test(res.text)) break;
  }
  return seen;
}

describe('anonymity across combined filters, tried over HTTP (issue 12)', function () {
  this.timeout(180_000);
  useTestDb('anonymity_differencing');
  const app = testApp();

  it('no two views a stakeholder can open differ by fewer than the minimum group', async () => {
    const lead = await signIn(app, 'lead');
    const campaign = await campaignOf(PEOPLE, lead.user.id);
    const stakeholder = await signIn(app, 'stakeholder');
    await setMember(String(campaign._id), new mongoose.Types.ObjectId(stakeholder.user.id), 'stakeholder', true);
    const base = `/lead/campaigns/${String(campaign._id)}/dashboard`;

    const dashboard = await stakeholder.agent.get(base).set('Accept-Language', 'en').expect(200);
    const offered = offeredFilters(dashboard.text);
    expect([...offered.keys()]).to.include.members(['seg-location', 'seg-department', 'language']);
    // Every combination of offered values (at most one per dimension), and the whole campaign.
    let combos: Array<Array<[string, string]>> = [[]];
    for (const [dim, values] of offered) combos = combos.flatMap((c) => [c, ...values.map((v) => [...c, [dim, v]] as Array<[string, string]>)]);
    const views: Array<{ name: string; people: Set<string> }> = [];
    for (const combo of combos) {
      const query = combo.map(([d, v]) => `&${d}=${v}`).join('');
      const people = await peopleIn(stakeholder.agent, base, query);
      expect(people, `offered view ${query || '(all)'} opens`).to.not.equal(null);
      views.push({ name: query || '(all)', people: people! });
    }
    expect(views[0].people.size, 'the whole campaign').to.equal(PEOPLE.length);
    expect(views.length, 'some filters are offered').to.be.greaterThan(1);
    for (const a of views)
      for (const b of views) {
        const diff = [...a.people].filter((p) => !b.people.has(p));
        expect(diff.length === 0 || diff.length >= K, `${a.name} minus ${b.name} leaves ${diff.join(', ')}`).to.equal(true);
      }

    // The attack: Munich and Munich × Sales cannot both be opened.
    const munich = await peopleIn(stakeholder.agent, base, '&seg-location=munich');
    const munichSales = await peopleIn(stakeholder.agent, base, '&seg-location=munich&seg-department=sales');
    expect(munich === null || munichSales === null, 'Munich and Munich × Sales are not both available').to.equal(true);
    // Neither can the views be forced open by typing the filters into the address.
    for (const query of ['&seg-department=it', '&seg-department=hr', '&seg-location=munich&seg-department=it']) {
      const forced = await peopleIn(stakeholder.agent, base, query);
      if (forced) for (const v of views) {
        const diff = [...v.people].filter((p) => !forced.has(p));
        expect(diff.length === 0 || diff.length >= K, `${v.name} minus forced ${query}`).to.equal(true);
      }
    }

    // The report shows next to quotes only values the dashboard offers (one rule everywhere).
    const report = await stakeholder.agent.get(`/lead/campaigns/${String(campaign._id)}/report?lang=en`).expect(200);
    const offeredLabels = new Set(['Munich', 'Hamburg', 'Sales', 'IT', 'HR'].filter((label) => dashboard.text.includes(`>${label}</option>`) && !new RegExp(`disabled>${label} `).test(dashboard.text)));
    for (const m of report.text.matchAll(/<footer class="muted">— ([^<]*)<\/footer>/g))
      for (const label of ['Munich', 'Hamburg', 'Sales', 'IT', 'HR']) if (m[1].includes(label)) expect(offeredLabels.has(label), `report attribution ${label}`).to.equal(true);
  });

  it('a campaign with fewer respondents than the minimum shows no requirement, quote or figure anywhere', async () => {
    const lead = await signIn(app, 'lead');
    const campaign = await campaignOf(PEOPLE.slice(0, 4), lead.user.id);
    const id = String(campaign._id);
    const report = await lead.agent.get(`/lead/campaigns/${id}/report?lang=en`).expect(200);
    expect(report.text).to.include('So far 4 people have answered. To protect anonymity, results are shown from 5 people on.');
    expect(report.text).not.to.match(/<blockquote[ >]/);
    expect(report.text).not.to.match(/P\d\dX/);
    expect(report.text).not.to.match(/moscow-(must|should|could)/);
    const markdown = await lead.agent.get(`/lead/campaigns/${id}/report/markdown?lang=de`).expect(200);
    expect(markdown.text).to.include('Bisher haben 4 Personen geantwortet.');
    expect(markdown.text).not.to.match(/P\d\dX/);
    // Its share link, opened by someone without an account.
    const created = await lead.agent.post(`/lead/campaigns/${id}/shares`).type('form').send({ _csrf: lead.csrf, label: 'Vorstand', days: '7' });
    const link = /\/share\/([A-Za-z0-9_-]{43})/.exec(created.text)?.[1];
    expect(link, 'share link shown once').to.be.a('string');
    const { default: request } = await import('supertest');
    const visitor = request.agent(app);
    const first = await visitor.get(`/share/${link}`).expect(303);
    const shared = await visitor.get(String(first.headers.location)).expect(200);
    expect(shared.text).to.include('Zum Schutz der Anonymität werden Ergebnisse erst ab 5 Personen gezeigt');
    expect(shared.text).not.to.match(/P\d\dX|<blockquote[ >]/);
    const csv = await lead.agent.get(`/lead/campaigns/${id}/exports/requirements.csv?lang=en`).expect(200);
    expect(csv.text).not.to.match(/P\d\dX/);
    const dashboard = await lead.agent.get(`/lead/campaigns/${id}/dashboard`).set('Accept-Language', 'en').expect(200);
    expect(dashboard.text).to.include('So far 4 people have answered');
  });
});
