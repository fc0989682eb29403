/// <reference lib="dom" />
import type { Server } from 'node:http';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { makeUser, testApp } from '../helpers/app.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import { launchChromium, listenLocal } from '../helpers/browser.js';
import { useTestDb } from '../helpers/test-db.js';
import { AFTER, BEFORE, seriesCampaign } from '../http/series.fixtures.js';
import { screenshot } from './screenshots.js';

/**
 * Campaign series in a real browser (issue 17, item 3): a lead links "before rollout" with
 * "6 months after" by keyboard only, opens the trend, and reads the shares, counts and the codes
 * that rose and fell; on desktop and on a 375 px phone (no sideways page scroll; wide tables
 * scroll in their box), with axe-core finding no serious or critical issue on either page.
 * `SCREENSHOTS=1` writes docs/screenshots/series-trend.png.
 */
describe('browser: campaign series and trend', function () {
  this.timeout(180_000);
  useTestDb('browser_series');
  let server: Server;
  let base: string;
  let browser: Browser;

  before(async () => {
    ({ server, base } = await listenLocal(testApp().app()));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => server.close(r));
  });

  async function signIn(page: Page, email: string, password: string, labels: { email: string; password: string; button: string }) {
    await page.goto(`${base}/login`);
    await page.getByLabel(labels.email).fill(email);
    await page.getByLabel(labels.password).fill(password);
    await page.getByRole('button', { name: labels.button }).click();
    await page.waitForURL(/\/lead$/);
  }

  it('links two campaigns by keyboard and reads the trend on desktop and on a 375 px phone', async () => {
    const lead = await makeUser('lead');
    const pre = await seriesCampaign(lead.id, 'Intranet survey 2026', 12, BEFORE);
    const post = await seriesCampaign(lead.id, 'Intranet survey 2027', 14, AFTER);
    const postId = String(post.campaign._id);
    // A rating-scale question (issue 17, item 1) in both, stored as closed questions store it.
    const question = { key: 'tools', role: 'custom', type: 'scale', prompt: { de: 'Wie gut unterstützen Sie die heutigen Werkzeuge bei Ihrer Arbeit?', en: 'How well do today’s tools support your work?' }, modes: ['text'], required: false, scale: { min: 0, max: 10, minLabel: { de: 'gar nicht', en: 'not at all' }, maxLabel: { de: 'sehr gut', en: 'very well' } } };
    for (const [{ campaign }, centre] of [[pre, 4], [post, 7]] as const) {
      await CampaignModel.collection.updateOne({ _id: campaign._id }, { $push: { questions: question } } as never);
      const ids = (await ResponseModel.find({ campaignId: campaign._id }, { _id: 1 }).lean<Array<{ _id: string }>>()).map((r) => r._id);
      for (let i = 0; i < ids.length; i++) await ResponseModel.collection.updateOne({ _id: ids[i] } as never, { $set: { 'answers.tools': { text: '', mode: 'text', value: centre + (i % 3) - 1 } } });
    }

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await signIn(page, lead.email, lead.password, { email: 'E-mail address', password: 'Password', button: 'Sign in' });

    await page.goto(`${base}/lead/campaigns/${postId}`);
    await page.getByRole('link', { name: 'Campaign series' }).click();
    await page.waitForURL(/\/series$/);
    expect(await seriousA11yViolations(page), 'series page').to.deep.equal([]);

    // Keyboard only: focus the campaign list, pick the earlier campaign, type the labels, submit.
    await page.getByLabel('Campaign', { exact: true }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Campaign', { exact: true }).inputValue()).to.equal(String(pre.campaign._id));
    await page.keyboard.press('Tab');
    await page.keyboard.type('Before rollout');
    await page.keyboard.press('Tab');
    await page.keyboard.type('6 months after');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Intranet rollout');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).to.equal('Link');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=linked/);
    expect(await page.getByRole('status').textContent()).to.include('The campaigns are linked.');
    expect(await page.locator('[data-series-members] li').allTextContents()).to.have.length(2);
    expect(await seriousA11yViolations(page), 'series page, linked').to.deep.equal([]);

    await page.getByRole('link', { name: 'Trend of the series' }).click();
    await page.waitForURL(/\/dashboard\/trend/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Trend: Intranet rollout');
    expect(await page.locator('[data-trend-columns]').textContent()).to.match(/Before rollout[\s\S]*12 people[\s\S]*6 months after[\s\S]*14 people/);
    expect(await page.locator('table.trend-table').count()).to.be.greaterThan(1);
    expect(await page.locator('table.trend-table tbody td').first().textContent()).to.match(/\d+ %\s*\d+ of \d+/);
    expect(await page.locator('[data-movers="rose"] li').count()).to.be.greaterThan(0);
    expect(await page.locator('[data-movers="fell"] li').count()).to.be.greaterThan(0);
    expect(await page.locator('tr[data-scale="tools"] td').first().textContent()).to.match(/mean 4\.0\s*n = 12/);
    expect(await seriousA11yViolations(page), 'trend page').to.deep.equal([]);
    await screenshot(page, 'series-trend.png', { fullPage: true });

    // The report of the later campaign says what changed since the earlier one.
    await page.goto(`${base}/lead/campaigns/${postId}/report?lang=en`);
    expect(await page.locator('[data-since-last] h2').textContent()).to.equal('Since the last campaign');
    expect(problems, problems.join('\n')).to.deep.equal([]);
    await context.close();

    // A 375 px phone, in German: the page itself never scrolls sideways.
    const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'de-DE', deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const mobile = await phone.newPage();
    await signIn(mobile, lead.email, lead.password, { email: 'E-Mail-Adresse', password: 'Passwort', button: 'Anmelden' });
    for (const path of ['dashboard/trend', 'series']) {
      await mobile.goto(`${base}/lead/campaigns/${postId}/${path}`);
      expect(await mobile.getByRole('heading', { level: 1 }).count()).to.equal(1);
      expect(await mobile.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), path).to.equal(true);
      expect(await seriousA11yViolations(mobile), `${path} on a phone`).to.deep.equal([]);
    }
    await mobile.goto(`${base}/lead/campaigns/${postId}/dashboard/trend`);
    expect(await mobile.getByRole('heading', { name: 'Am stärksten gestiegen' }).count()).to.equal(1);
    await phone.close();
  });
});
