/// <reference lib="dom" />
import type { Server } from 'node:http';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { ResponseModel } from '../../src/responses/response.model.js';
import { seedDemo } from '../../seeds/seed.js';
import { makeUser, testApp } from '../helpers/app.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { launchChromium, listenLocal } from '../helpers/browser.js';
import { useTestDb } from '../helpers/test-db.js';
import { screenshot } from './screenshots.js';


/**
 * A real browser (Debian's /usr/bin/chromium via playwright-core) answers on a phone-sized
 * screen: consent, typing with autosave, a reload that resumes, submit. Screenshots of the main
 * pages go to docs/screenshots/ with SCREENSHOTS=1 (the phone answer page and the campaign page
 * come from phone.browser.test.ts and lead-pages.browser.test.ts).
 */
describe('browser: respondent on a phone, lead on a desktop', function () {
  this.timeout(60_000);
  useTestDb('browser');
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

  it('answers the demo campaign with autosave, resume and one submission', async () => {
    const { campaignId } = await seedDemo();
    const token = (await CampaignModel.findById(campaignId).lean())!.publicToken;
    const lead = await makeUser('lead');
    await CampaignModel.updateOne({ _id: campaignId }, { $set: { ownerId: lead.id } });
    const before = await ResponseModel.countDocuments({ status: 'submitted' });

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'de-DE', deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await phone.newPage();
    await page.goto(`${base}/r/${token}`);
    await screenshot(page, 'respond-consent.png', { fullPage: true });
    await page.getByRole('button', { name: /los geht/ }).click();
    // Consent missing → error summary gets focus.
    await page.waitForSelector('.error-summary');
    expect(await page.locator('.error-summary').isVisible()).to.equal(true);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).to.equal(true);
    await page.getByLabel(/einverstanden/).check();
    await page.getByRole('button', { name: /los geht/ }).click();
    await page.waitForURL(/\/answer/);

    await page.getByLabel('Bereich').selectOption('warehouse');
    await page.getByLabel(/Wie arbeitest bzw\. kommunizierst/).fill('Schichtübergabe am schwarzen Brett, sonst Funkgerät.');
    await page.getByLabel(/digitaler Arbeitsplatz/).fill('Dass ich am Terminal in der Halle alles finde. 📦');
    await page.waitForFunction(() => document.getElementById('save-status')?.getAttribute('data-state') === 'idle', null, { timeout: 10_000 });
    expect(await page.locator('#save-status').textContent()).to.equal('Zwischengespeichert');
    expect(await page.locator('#progress-text').textContent()).to.equal('2 von 4 Fragen beantwortet');

    // Reload: the draft is resumed from the server.
    await page.reload();
    expect(await page.getByLabel(/digitaler Arbeitsplatz/).inputValue()).to.equal('Dass ich am Terminal in der Halle alles finde. 📦');

    await page.getByLabel(/größten Herausforderungen/).fill('Das WLAN in der Halle bricht ständig ab.');
    await page.getByLabel(/Arbeitsplatz der Zukunft/).fill('Ein Tablet pro Schicht mit allen Infos.');
    await page.getByRole('button', { name: 'Antworten abschicken' }).click();
    await page.waitForURL(/\/thanks/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Vielen Dank!');
    expect(await ResponseModel.countDocuments({ status: 'submitted' })).to.equal(before + 1);
    await phone.close();

    // The lead reads it on a desktop.
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const leadPage = await desktop.newPage();
    await leadPage.goto(`${base}/lead`);
    await leadPage.waitForURL(/\/login/);
    await screenshot(leadPage, 'login.png');
    await leadPage.getByLabel('E-mail address').fill(lead.email);
    await leadPage.getByLabel('Password').fill(lead.password);
    await leadPage.getByRole('button', { name: 'Sign in' }).click();
    await leadPage.waitForURL(/\/lead$/);
    await screenshot(leadPage, 'lead-campaigns.png');
    await leadPage.goto(`${base}/lead/campaigns/${campaignId}`);
    expect(await leadPage.locator('.figure').first().textContent()).to.equal(String(before + 1));
    await leadPage.goto(`${base}/lead/campaigns/${campaignId}/questions/q3`);
    expect(await leadPage.getByText('Das WLAN in der Halle bricht ständig ab.').count()).to.equal(1);
    await screenshot(leadPage, 'lead-question.png');
    await leadPage.goto(`${base}/lead/campaigns/new`);
    await screenshot(leadPage, 'lead-new-campaign.png');
    await desktop.close();
  });
});
