/// <reference lib="dom" />
import type { Server } from 'node:http';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AnalysisRunModel, RunClaimModel } from '../../src/analysis-runs/analysis-run.model.js';
import { createRunner } from '../../src/analysis-runs/runner.js';
import { startRun } from '../../src/analysis-runs/analysis-run.service.js';
import { setMember } from '../../src/campaigns/campaign.service.js';
import { loadDemo } from '../../src/demo/demo.js';
import { createShare } from '../../src/reports/report-share.service.js';
import { makeUser, testApp } from '../helpers/app.js';
import { launchChromium, listenLocal } from '../helpers/browser.js';
import { useTestDb } from '../helpers/test-db.js';
import { screenshot } from './screenshots.js';
import mongoose from 'mongoose';

/**
 * Staff pages in a real browser (issue 15): a stakeholder sees only what they may do (a crawl of
 * every link and form they are shown), copy buttons, fields that fit their content, and pages
 * that neither scroll sideways at 1280 px (/account) nor overflow on a 375 px phone (the runs,
 * share-link and token tables). The demo campaign is analysed once for all of them.
 */
describe('browser: staff pages — what stakeholders see, copy buttons, layout', function () {
  this.timeout(120_000);
  useTestDb('browser_lead_pages');
  let server: Server;
  let base: string;
  let browser: Browser;
  let campaignId: string;
  let lead: Awaited<ReturnType<typeof makeUser>>;
  let stakeholder: Awaited<ReturnType<typeof makeUser>>;

  before(async () => {
    ({ server, base } = await listenLocal(testApp().app()));
    browser = await launchChromium();
    lead = await makeUser('lead');
    ({ campaignId } = await loadDemo({ owner: { id: lead.id, role: 'lead' } }));
    stakeholder = await makeUser('stakeholder');
    await setMember(campaignId, new mongoose.Types.ObjectId(stakeholder.id), 'stakeholder', true);
    // One finished analysis run: the dashboard, report and runs table have content.
    await AnalysisRunModel.deleteMany({});
    await RunClaimModel.deleteMany({});
    await startRun(new mongoose.Types.ObjectId(campaignId), lead.id);
    const outcome = await createRunner({ instanceId: 'browser-lead-pages' }).runOnce();
    expect(outcome?.status).to.equal('done');
    await createShare(new mongoose.Types.ObjectId(campaignId), { label: 'Lenkungskreis Herbst', days: 14 }, lead.id);
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => server.close(r));
  });

  async function signedIn(user: { email: string; password: string }, viewport = { width: 1280, height: 900 }, locale = 'de-DE'): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport, locale, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await page.locator('#f-email').fill(user.email);
    await page.locator('#f-password').fill(user.password);
    await page.locator('form[action="/login"] button[type="submit"]').click();
    await page.waitForURL(/\/lead$/);
    return { ctx, page };
  }

  it('a stakeholder is shown no link or button that answers 403 or 404 (crawl of every page they reach)', async () => {
    const { ctx, page } = await signedIn(stakeholder);
    const origin = new URL(base).origin;
    const queue = ['/lead'];
    const visited = new Set<string>();
    const failures: string[] = [];
    const posts = new Map<string, { from: string; body: string }>();
    let checkedLinks = 0;
    while (queue.length && visited.size < 150) {
      const url = queue.shift()!;
      if (visited.has(url)) continue;
      visited.add(url);
      const res = await page.goto(`${base}${url}`);
      if (!res || !(res.headers()['content-type'] ?? '').includes('text/html')) continue;
      // No way to start a campaign is shown to a stakeholder.
      if ((await page.locator('a[href^="/lead/campaigns/new"]').count()) > 0) failures.push(`${url}: shows a "new campaign" link`);
      const found = await page.evaluate(() => {
        const links = Array.from(document.querySelectorAll<HTMLAnchorElement>('a[href]')).map((a) => a.href);
        const forms = Array.from(document.querySelectorAll<HTMLFormElement>('form')).map((f) => {
          const data = new URLSearchParams();
          new FormData(f).forEach((v, k) => data.append(k, typeof v === 'string' ? v : ''));
          return { method: (f.getAttribute('method') ?? 'get').toLowerCase(), action: f.action, body: data.toString() };
        });
        return { links, forms };
      });
      const targets = [
        ...found.links,
        ...found.forms.filter((f) => f.method === 'get').map((f) => `${f.action.split('?')[0]}?${f.body}`),
      ];
      for (const href of targets) {
        const u = new URL(href, `${base}${url}`);
        if (u.origin !== origin || u.pathname.startsWith('/static/')) continue;
        const path = `${u.pathname}${u.search}`;
        if (visited.has(path) || queue.includes(path)) continue;
        // Every target is requested once; HTML pages are then visited and crawled in turn.
        const check = await page.request.get(`${base}${path}`, { maxRedirects: 5 });
        checkedLinks += 1;
        if (check.status() === 403 || check.status() === 404) failures.push(`${url}: link ${path} → ${check.status()}`);
        else if ((check.headers()['content-type'] ?? '').includes('text/html')) queue.push(path);
      }
      for (const f of found.forms.filter((x) => x.method === 'post')) {
        const action = new URL(f.action).pathname;
        if (!posts.has(action)) posts.set(action, { from: url, body: f.body });
      }
    }
    // Every form a stakeholder is shown, sent as the page would send it (logout last).
    const actions = [...posts.keys()].sort((a, b) => Number(a === '/logout') - Number(b === '/logout'));
    for (const action of actions) {
      const { from, body } = posts.get(action)!;
      const res = await page.request.post(`${base}${action}`, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, data: body, maxRedirects: 0 });
      if (res.status() === 403 || res.status() === 404) failures.push(`${from}: form ${action} → ${res.status()}`);
    }
    await ctx.close();
    expect(failures, failures.join('\n')).to.deep.equal([]);
    // The crawl reached the stakeholder's pages: the campaign, its dashboard with drill-downs, the report.
    expect(visited).to.include(`/lead/campaigns/${campaignId}`);
    expect([...visited].some((p) => p.startsWith(`/lead/campaigns/${campaignId}/dashboard/answers`)), 'a drill-down').to.equal(true);
    expect([...visited].some((p) => p.startsWith(`/lead/campaigns/${campaignId}/report`)), 'the report').to.equal(true);
    expect(checkedLinks).to.be.greaterThan(20);
    expect(actions).to.include('/logout');
  });

  it('copy buttons copy the respondent link and a new API token', async () => {
    const { ctx, page } = await signedIn(lead, { width: 1280, height: 900 }, 'en-GB');
    await page.goto(`${base}/lead/campaigns/${campaignId}`);
    const link = await page.locator('#public-link').inputValue();
    expect(link).to.match(/\/r\/[A-Za-z0-9_-]{22}$/);
    const copy = page.getByRole('button', { name: 'Copy: Link for participants' });
    await copy.click();
    await page.getByText('Copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(link);
    await screenshot(page, 'lead-campaign.png', { fullPage: true });

    await page.goto(`${base}/account`);
    await page.getByLabel('Name', { exact: true }).fill('Export script');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.locator('#new-token').inputValue();
    expect(token).to.match(/^wv_/);
    await page.getByRole('button', { name: 'Copy: New API token' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(token);
    await ctx.close();
  });

  it('/account does not scroll sideways at 1280 px; runs, share and token tables fit a 375 px phone', async () => {
    const wide = await signedIn(lead);
    await wide.page.goto(`${base}/account`);
    const account = await wide.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(account.scroll, 'no sideways scrolling on /account').to.be.at.most(account.client);
    // Date and number fields are styled like the other fields (not the browser's tiny default).
    await wide.page.goto(`${base}/lead/campaigns/${campaignId}/edit`);
    const date = await wide.page.locator('input[type="date"]').evaluate((el) => {
      const s = getComputedStyle(el);
      return { height: el.getBoundingClientRect().height, font: parseFloat(s.fontSize), radius: s.borderTopLeftRadius };
    });
    expect(date.height).to.be.at.least(44);
    expect(date.font).to.be.at.least(16);
    expect(date.radius).to.equal('6px');
    await wide.page.goto(`${base}/lead/campaigns/${campaignId}/shares`);
    const number = await wide.page.locator('input[type="number"]').evaluate((el) => el.getBoundingClientRect());
    expect(number.height).to.be.at.least(44);
    expect(number.width).to.be.within(80, 160);
    await wide.ctx.close();

    const phone = await signedIn(lead, { width: 375, height: 812 });
    await phone.page.goto(`${base}/account`);
    await phone.page.getByLabel('Bezeichnung').fill('Skript');
    await phone.page.getByRole('button', { name: 'Token erstellen' }).click();
    for (const path of [`/lead/campaigns/${campaignId}/analysis`, `/lead/campaigns/${campaignId}/shares`, '/account']) {
      await phone.page.goto(`${base}${path}`);
      const fit = await phone.page.evaluate(() => {
        const table = document.querySelector('table.data');
        const r = table?.getBoundingClientRect();
        return { scroll: document.documentElement.scrollWidth, table: r ? Math.ceil(r.right) : 0, rows: table?.querySelectorAll('tbody tr').length ?? 0 };
      });
      expect(fit.rows, `${path}: a table with rows`).to.be.greaterThan(0);
      expect(fit.scroll, `${path}: page width`).to.be.at.most(375);
      expect(fit.table, `${path}: table inside the screen`).to.be.at.most(375);
    }
    await phone.ctx.close();
  });
});
