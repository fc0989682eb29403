/// <reference lib="dom" />
import type { Server } from 'node:http';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { AnalysisRunModel, RunClaimModel } from '../../src/analysis-runs/analysis-run.model.js';
import { createRunner, type Runner } from '../../src/analysis-runs/runner.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { seedDemo } from '../../seeds/seed.js';
import { makeUser, testApp } from '../helpers/app.js';
import { launchChromium, listenLocal } from '../helpers/browser.js';
import { useTestDb } from '../helpers/test-db.js';
import { screenshot } from './screenshots.js';


/**
 * A lead in a real browser (Debian's /usr/bin/chromium via playwright-core): seeds the demo
 * campaign, starts the analysis and watches the progress bar reach 100 %, opens the dashboard
 * (charts drawn by the locally served Chart.js, no CSP violation), filters it, drills into a
 * theme's answers and opens the requirements report. Screenshots go to docs/screenshots/.
 */
describe('browser: analysis run, dashboard and drill-down', function () {
  this.timeout(90_000);
  useTestDb('browser_dashboard');
  let server: Server;
  let base: string;
  let browser: Browser;
  let runner: Runner;

  before(async () => {
    ({ server, base } = await listenLocal(testApp().app()));
    browser = await launchChromium();
    await AnalysisRunModel.deleteMany({});
    await RunClaimModel.deleteMany({});
    // The app's runner, polling as src/server.ts starts it.
    runner = createRunner({ instanceId: 'browser-test', progressWriteMs: 100 });
    runner.start(300);
  });
  after(async () => {
    await runner?.stop(5000);
    await browser?.close();
    await new Promise((r) => server.close(r));
  });

  it('runs the analysis with a live progress bar, then reads the dashboard, a theme and the report', async () => {
    const { campaignId } = await seedDemo();
    const lead = await makeUser('lead');
    await CampaignModel.updateOne({ _id: campaignId }, { $set: { ownerId: lead.id } });

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${base}/login`);
    await page.getByLabel('E-mail address').fill(lead.email);
    await page.getByLabel('Password').fill(lead.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/lead$/);

    // Campaign page → analysis page → start; the progress bar follows the run to 100 %.
    await page.goto(`${base}/lead/campaigns/${campaignId}`);
    await page.getByRole('link', { name: 'Analysis', exact: true }).click();
    await page.getByRole('button', { name: 'Start analysis' }).click();
    await page.waitForSelector('progress#analysis-bar');
    await page.waitForFunction(
      () => {
        const bar = document.querySelector<HTMLProgressElement>('progress#analysis-bar');
        return bar?.value === 100 && document.querySelector('[data-analysis-progress]')?.getAttribute('data-status') === 'done';
      },
      null,
      { timeout: 60_000, polling: 50 },
    );
    await screenshot(page, 'analysis-progress-done.png');
    // The page reloads itself with the result; its "Dashboard" button leads on.
    await page.waitForSelector('#latest-title', { timeout: 15_000 });
    await page.getByRole('link', { name: 'Dashboard', exact: true }).first().click();
    await page.waitForURL(/\/dashboard$/);

    // Charts are drawn (canvas shown) next to their tables; every section is there.
    await page.waitForFunction(() => document.querySelectorAll('.chart-canvas:not([hidden]) canvas').length >= 4);
    expect(await page.getByRole('heading', { name: 'Channels in use today' }).count()).to.equal(1);
    expect(await page.getByRole('heading', { name: 'Challenges: technical or cultural' }).count()).to.equal(1);
    expect(await page.getByRole('heading', { name: 'Rollout readiness' }).count()).to.equal(1);
    expect(await page.locator('table caption', { hasText: 'Channels in use' }).count()).to.equal(1);
    expect(Number(await page.locator('.cards .figure').first().textContent())).to.be.greaterThan(0);
    await screenshot(page, 'dashboard.png', { fullPage: true });

    // A filter narrows the figures; it shows as a removable chip. Which values are offered is the
    // disclosure plan's decision (src/shared/anonymity.ts): take the first one it offers.
    const allPeople = Number(await page.locator('.cards .figure').first().textContent());
    const choice = await page.evaluate(() => {
      for (const s of Array.from(document.querySelectorAll<HTMLSelectElement>('.dashboard-filters select:not([name="run"])'))) {
        const o = Array.from(s.options).find((x) => x.value && !x.disabled);
        if (o) return { id: s.id, name: s.name, value: o.value, label: o.textContent!.trim() };
      }
      return null;
    });
    expect(choice, 'the plan offers at least one filter value for the demo').to.not.equal(null);
    await page.locator(`#${choice!.id}`).selectOption(choice!.value);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(new RegExp(`${choice!.name}=${choice!.value}`));
    const filtered = (await page.locator('.notice-suppressed').count()) ? 0 : Number(await page.locator('.cards .figure').first().textContent());
    expect(filtered).to.be.lessThan(allPeople);
    await page.getByRole('link', { name: `Remove filter ${choice!.label}` }).click();
    await page.waitForURL((url) => !url.search.includes(`${choice!.name}=`));

    // Drill into a theme of "what digital workplace means": the answers behind the number.
    const theme = page.locator('#meaning table tbody tr th a').first();
    const themeName = (await theme.textContent())!.trim();
    const count = Number(await page.locator('#meaning table tbody tr td a').first().textContent());
    await theme.click();
    await page.waitForURL(/\/dashboard\/answers\?/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(`Answers about “${themeName}”`);
    expect(await page.locator('.quote blockquote').count()).to.equal(Math.min(count, 20));
    expect(await page.locator('.quote blockquote[lang="de"]').count(), 'German quotes are marked up as German').to.be.greaterThan(0);
    expect(await page.locator('.quote a', { hasText: 'Open the whole response' }).count()).to.be.greaterThan(0);
    await screenshot(page, 'dashboard-drill.png', { fullPage: true });

    // Segments side by side (issue 17): the dimension of the filter the plan offered above has at
    // least one column; each cell is a percentage linked to its answers.
    await page.goto(`${base}/lead/campaigns/${campaignId}/dashboard`);
    await page.getByRole('link', { name: 'Compare segments' }).click();
    await page.waitForURL(/\/dashboard\/segments/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Segments side by side');
    await page.locator('#s-dim').selectOption(choice!.name === 'language' ? 'language' : choice!.name.replace(/^seg-/, ''));
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/dim=/);
    expect(await page.locator('table.segment-compare').count()).to.be.greaterThan(0);
    expect(await page.locator('table.segment-compare thead th', { hasText: choice!.label }).count(), 'the offered group is a column').to.be.greaterThan(0);
    expect(await page.locator('table.segment-compare tbody td a').first().textContent()).to.match(/^\d+ %$/);
    await screenshot(page, 'dashboard-segments.png', { fullPage: true });

    // The requirements report of the same campaign.
    await page.goto(`${base}/lead/campaigns/${campaignId}`);
    await page.getByRole('link', { name: 'Requirements report' }).first().click();
    await page.waitForURL(/\/report/);
    expect(await page.getByRole('heading', { level: 1 }).count()).to.equal(1);
    expect(await page.locator('body').textContent()).to.match(/Must|Should|Could/);

    expect(problems, problems.join('\n')).to.deep.equal([]);
    await context.close();

    // On a phone the dashboard fits the screen (tables scroll inside their box, charts shrink).
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'de-DE', deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const mobile = await phone.newPage();
    await mobile.goto(`${base}/login`);
    await mobile.getByLabel('E-Mail-Adresse').fill(lead.email);
    await mobile.getByLabel('Passwort').fill(lead.password);
    await mobile.getByRole('button', { name: 'Anmelden' }).click();
    await mobile.waitForURL(/\/lead$/);
    await mobile.goto(`${base}/lead/campaigns/${campaignId}/dashboard`);
    await mobile.waitForFunction(() => document.querySelectorAll('.chart-canvas:not([hidden]) canvas').length >= 4);
    expect(await mobile.getByRole('heading', { name: 'Welche Kanäle heute genutzt werden' }).count()).to.equal(1);
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).to.equal(true);
    await screenshot(mobile, 'dashboard-phone.png');
    // The comparison's wide tables scroll inside their box on a phone, not the page.
    await mobile.goto(`${base}/lead/campaigns/${campaignId}/dashboard/segments`);
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).to.equal(true);
    await phone.close();
  });
});
