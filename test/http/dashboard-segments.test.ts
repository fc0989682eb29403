import { expect } from 'chai';
import mongoose from 'mongoose';
import { setMember } from '../../src/campaigns/campaign.service.js';
import { staffClient, testApp } from '../helpers/app.js';
import { useTestDb } from '../helpers/test-db.js';
import { reportCampaign, type ReportFixture } from './report.fixtures.js';

/**
 * The segment comparison page (issue 17, item 2) over HTTP: 6 people in Sales, 7 in IT, 1 in HR
 * (minimum group 5). IT (the largest) is a column; Sales is not, because Sales next to IT would
 * leave the lone HR person as "everyone else minus both" — the differencing rule
 * (src/shared/anonymity.ts); the page says two groups are left out. Each cell links to exactly
 * the answers it counts; stakeholders read it, other leads get 404.
 */
describe('dashboard: segments side by side (/lead/campaigns/:id/dashboard/segments)', function () {
  this.timeout(120_000);
  useTestDb('dashboard_segments');
  const app = testApp();
  let lead: Awaited<ReturnType<typeof staffClient>>;
  let fixture: ReportFixture;
  let base: string;

  before(async () => {
    lead = await staffClient(app, 'lead');
    fixture = await reportCampaign(lead.user.id);
    base = `/lead/campaigns/${String(fixture.campaign._id)}/dashboard`;
  });

  it('shows only groups that cannot be differenced down to fewer than 5, says how many are left out, and names the test', async () => {
    const html = (await lead.get(`${base}/segments?dim=department&lang=en`).expect(200)).text;
    const head = html.slice(html.indexOf('<thead>'), html.indexOf('</thead>'));
    expect(head).to.include('>IT<');
    expect(head).to.include('7 people');
    expect(head).to.include('14 people');
    expect(head).not.to.include('Sales');
    expect(html).not.to.match(/>HR</);
    expect(html).to.include('2 groups of this segment have no column of their own');
    expect(html).to.include('two-proportion z-test');
    // The dashboard links to it.
    expect((await lead.get(`${base}?lang=en`).expect(200)).text).to.include('Compare segments');
  });

  it('each cell links to exactly the answers it counts (the drill-down of that code within that group)', async () => {
    const html = (await lead.get(`${base}/segments?dim=department&lang=en`).expect(200)).text;
    const cells = [...html.matchAll(/<td class="num[^"]*"><a href="([^"]+)">(\d+) %<\/a>.*?<span class="muted">(\d+) of (\d+)<\/span><\/td>/g)];
    expect(cells.length).to.be.greaterThan(3);
    let followed = 0;
    for (const [, href, , count] of cells.slice(0, 6)) {
      const drill = (await lead.get(href.replace(/&amp;/g, '&') + '&lang=en').expect(200)).text;
      expect(drill, href).to.include(`${count} answers.`);
      followed++;
    }
    expect(followed).to.equal(Math.min(6, cells.length));
  });

  it('no column at all where any would expose a small group: location (13 Hamburg, 1 Munich)', async () => {
    const html = (await lead.get(`${base}/segments?dim=location&lang=en`).expect(200)).text;
    expect(html).not.to.include('<thead>');
    expect(html).not.to.include('Munich');
    expect(html).to.include('No group of this segment can be shown without making a group under 5 people recognisable.');
  });

  it('stakeholders of the campaign read it; a lead of another campaign gets 404; a bad dim falls back to the first', async () => {
    const stakeholder = await staffClient(app, 'stakeholder');
    await setMember(String(fixture.campaign._id), new mongoose.Types.ObjectId(stakeholder.user.id), 'stakeholder', true);
    await stakeholder.get(`${base}/segments?dim=department`).expect(200);
    const other = await staffClient(app, 'lead');
    await other.get(`${base}/segments`).expect(404);
    const fallback = (await lead.get(`${base}/segments?dim=%24ne&lang=en`).expect(200)).text;
    expect(fallback).to.include('<option value="department" selected>');
  });
});
