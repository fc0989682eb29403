/// <reference lib="dom" />
import type { Server } from 'node:http';
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Browser } from 'playwright-core';
import { AnalysisRunModel, RunClaimModel } from '../../src/analysis-runs/analysis-run.model.js';
import { startRun } from '../../src/analysis-runs/analysis-run.service.js';
import { createRunner } from '../../src/analysis-runs/runner.js';
import { BoardCorrectionModel } from '../../src/board/board-correction.model.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { seedDemo } from '../../seeds/seed.js';
import { makeUser, testApp } from '../helpers/app.js';
import { launchChromium, listenLocal } from '../helpers/browser.js';
import { useTestDb } from '../helpers/test-db.js';
import { screenshot } from './screenshots.js';


/**
 * The theme board in a real browser: the lead opens the board of the analysed demo campaign,
 * opens a theme, selects answers with the keyboard (live count from board.js) and splits them
 * into a new theme. Screenshots for the README.
 */
describe('browser: theme board', function () {
  this.timeout(90_000);
  useTestDb('browser_board');
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

  it('splits two answers of a theme into a new theme with the keyboard', async () => {
    const { campaignId } = await seedDemo();
    const lead = await makeUser('lead');
    await CampaignModel.updateOne({ _id: campaignId }, { $set: { ownerId: lead.id } });
    await AnalysisRunModel.deleteMany({});
    await RunClaimModel.deleteMany({});
    await startRun(new mongoose.Types.ObjectId(String(campaignId)), lead.id);
    expect((await createRunner({ instanceId: 'browser-board' }).drain()).map((o) => o.status)).to.deep.equal(['done']);

    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await desk.newPage();
    await page.goto(`${base}/login?lang=en`);
    await page.getByLabel('E-mail').fill(lead.email);
    await page.getByLabel('Password').fill(lead.password);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.goto(`${base}/lead/campaigns/${String(campaignId)}`);
    await page.getByRole('link', { name: 'Theme board' }).click();
    await page.waitForURL(/\/board$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Theme board');
    await screenshot(page, 'lead-theme-board.png', { fullPage: false });

    // The biggest challenge code.
    await page.locator('#bq-q3').locator('xpath=..').locator('table a').first().click();
    await page.waitForURL(/\/board\/q3\//);
    const picks = page.locator('[data-split-pick]');
    expect(await picks.count()).to.be.at.least(2);
    await picks.nth(0).focus();
    await page.keyboard.press('Space');
    await picks.nth(1).focus();
    await page.keyboard.press('Space');
    expect(await page.locator('[data-split-count]').textContent()).to.equal('2 answer(s) selected');
    await page.locator('#f-split_en').fill('Shift handover');
    await screenshot(page, 'lead-theme-board-theme.png', { fullPage: false });
    await page.getByRole('button', { name: 'Make the selected answers a new theme' }).click();
    await page.waitForURL(/done=split/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Shift handover');
    expect(await page.locator('.board-answer').count()).to.equal(2);
    expect(await BoardCorrectionModel.countDocuments({ campaignId, kind: 'split' })).to.equal(1);
    const themeUrl = page.url().replace(/\?.*$/, '');
    const state = await desk.storageState();
    await desk.close();

    // On a phone, the board and a theme page fit the screen (no sideways scrolling) and the
    // correction form of an answer opens from the keyboard.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'de-DE', isMobile: true, hasTouch: true, deviceScaleFactor: 2, storageState: state });
    const small = await phone.newPage();
    for (const url of [`${base}/lead/campaigns/${String(campaignId)}/board?lang=de`, `${themeUrl}?lang=de`]) {
      await small.goto(url);
      expect(await small.evaluate(() => document.documentElement.scrollWidth), url).to.be.at.most(390);
    }
    await small.locator('.board-correct summary').first().focus();
    await small.keyboard.press('Enter');
    expect(await small.locator('.board-correct').first().getAttribute('open')).to.not.equal(null);
    expect(await small.locator('.board-correct').first().locator('input[name="codes"]').count()).to.be.greaterThan(3);
    await screenshot(small, 'lead-theme-board-phone.png', { fullPage: false });
    await phone.close();
  });
});
