/// <reference lib="dom" />
import type { Server } from 'node:http';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { UserModel } from '../../src/auth/user.model.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { DEMO_SEED_KEY } from '../../src/demo/demo.js';
import { testApp } from '../helpers/app.js';
import { launchChromium, listenLocal } from '../helpers/browser.js';
import { useTestDb } from '../helpers/test-db.js';
import { screenshot } from './screenshots.js';

/**
 * The first run in a browser (issue 15): with no account yet, /lead leads to the setup page; the
 * first admin is created there with the demo campaign, lands on their campaign list and finds the
 * demo on it.
 */
describe('browser: the first run', function () {
  this.timeout(60_000);
  useTestDb('browser_first_run');
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

  it('creates the first admin on the setup page, with the demo campaign on their list', async () => {
    expect(await UserModel.countDocuments()).to.equal(0);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await ctx.newPage();
    await page.goto(`${base}/lead`);
    await page.waitForURL(/\/setup$/);
    expect(await page.getByLabel(/Load the demo campaign/).isChecked()).to.equal(true);
    await page.getByLabel('E-mail address').fill('first.admin@example.com');
    await page.getByLabel(/^Name/).fill('Fatima Admin');
    await page.getByLabel('Password', { exact: true }).fill('a long first admin passphrase');
    await screenshot(page, 'first-run.png');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/lead$/);
    expect(await page.getByRole('link', { name: /Nordlicht Logistik/ }).count()).to.equal(1);
    const admin = (await UserModel.findOne({ email: 'first.admin@example.com' }).lean())!;
    expect(admin.role).to.equal('admin');
    expect(String((await CampaignModel.findOne({ seedKey: DEMO_SEED_KEY }).lean())?.ownerId)).to.equal(String(admin._id));
    await ctx.close();
  });
});
