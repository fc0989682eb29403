/// <reference lib="dom" />
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startRun } from '../../src/analysis-runs/analysis-run.service.js';
import { createRunner } from '../../src/analysis-runs/runner.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { setMember } from '../../src/campaigns/campaign.service.js';
import { seedDemo } from '../../seeds/seed.js';
import { makeUser, testApp } from '../helpers/app.js';
import { launchChromium, listenLocal } from '../helpers/browser.js';
import { useTestDb } from '../helpers/test-db.js';
import { projectRoot } from '../../src/shared/paths.js';

const run = promisify(execFile);

/** docs/screenshots, written only with SCREENSHOTS=1 (a normal run never overwrites them). */
const SHOTS_DIR = path.join(projectRoot(), 'docs', 'screenshots');
async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: path.join(SHOTS_DIR, name), fullPage: false });
}

async function signIn(context: BrowserContext, base: string, user: { email: string; password: string }, lang: 'de' | 'en'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/login?lang=${lang}`);
  await page.locator('#f-email').fill(user.email);
  await page.locator('#f-password').fill(user.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.locator('main button[type=submit]').click()]);
  return page;
}

/** The quotes a reader sees under a requirement (not the lead's further candidates). */
const shownQuotes = (req: Locator) => req.locator('ul.evidence:not(.candidates) > li.quote-item blockquote');
/** A quote's words without the quotation marks of the report's language. */
const words = (s: string | null) => (s ?? '').trim().replace(/^[„“"]|[“”"]$/g, '');
const allWords = async (l: Locator) => (await l.allTextContents()).map(words);

/** Submits a form inside `scope` and waits for the post/redirect/get to land. */
async function submit(page: Page, button: Locator, done: string): Promise<void> {
  await Promise.all([page.waitForURL(new RegExp(`done=${done}`)), button.click()]);
}

/**
 * Issue 14, item 4 in a real browser: the lead curates the analysed demo campaign's report
 * (pin, hide, rename, owner and date, merge), the analysis runs again, the curation is still
 * there, and a stakeholder reading in English sees the curated report without any controls.
 */
describe('browser: report curation survives a new analysis run; stakeholders read the curated report', function () {
  this.timeout(180_000);
  useTestDb('browser_report_curation');
  let server: Server;
  let base: string;
  let browser: Browser;
  let dir: string;

  before(async () => {
    ({ server, base } = await listenLocal(testApp().app()));
    browser = await launchChromium();
    dir = await mkdtemp(path.join(tmpdir(), 'wv-report-'));
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('pin, hide, rename, owner, merge — rerun — still there, and shown to the stakeholder', async () => {
    const { campaignId } = await seedDemo();
    const lead = await makeUser('lead');
    await CampaignModel.updateOne({ _id: campaignId }, { $set: { ownerId: new mongoose.Types.ObjectId(lead.id) } });
    await startRun(new mongoose.Types.ObjectId(campaignId), lead.id);
    expect((await createRunner({ instanceId: 'browser-report-1' }).drain()).map((o) => o.status)).to.deep.equal(['done']);

    const leadContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const page = await signIn(leadContext, base, lead, 'de');
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    const reportUrl = `${base}/lead/campaigns/${campaignId}/report?lang=de`;
    await page.goto(reportUrl);

    // A: the first requirement with at least three quotes shown; B: the last requirement.
    const withQuotes = page.locator('[data-requirement]').filter({ has: page.locator('ul.evidence:not(.candidates) > li.quote-item:nth-child(3)') });
    const aId = (await withQuotes.first().getAttribute('data-requirement'))!;
    const bId = (await page.locator('[data-requirement]').last().getAttribute('data-requirement'))!;
    expect(aId).to.not.equal(bId);
    const A = page.locator(`[data-requirement="${aId}"]`);
    const B = page.locator(`[data-requirement="${bId}"]`);

    // Pin the second quote: it moves to the top.
    const pinned = words(await shownQuotes(A).nth(1).textContent());
    await submit(page, A.locator('ul.evidence:not(.candidates) > li.quote-item').nth(1).locator('[data-quote-action="pin"]'), 'pin');
    expect(words(await shownQuotes(A).first().textContent())).to.equal(pinned);
    expect(await A.locator('.quote-badge').first().textContent()).to.equal('angeheftet');

    // Hide the (now) second quote: readers no longer see it; the lead finds it under "Weitere Zitate".
    const hidden = words(await shownQuotes(A).nth(1).textContent());
    await submit(page, A.locator('ul.evidence:not(.candidates) > li.quote-item').nth(1).locator('[data-quote-action="hide"]'), 'hide');
    expect(await allWords(shownQuotes(A))).not.to.include(hidden);

    // Rename, and put an owner and a target date on it (the action plan).
    await A.locator('details[data-curate] > summary').click();
    await A.getByLabel('Titel (Deutsch)').fill('Intranet-Suche über alle Ablagen');
    await A.getByLabel('Titel (Englisch)').fill('Intranet search across all stores');
    await submit(page, A.locator('form[action*="/title"] button[type=submit]'), 'rename');
    await A.locator('details[data-curate] > summary').click();
    await A.getByLabel('Verantwortlich (Person oder Team)').fill('Team Intranet');
    await A.getByLabel('Zieltermin').fill('2027-03-31');
    await submit(page, A.locator('form[action*="/plan"] button[type=submit]'), 'plan');
    await screenshot(page, 'report-lead-curation.png');

    // Merge B into A.
    const bTitle = (await B.locator('h4').textContent())!.trim();
    await B.locator('details[data-curate] > summary').click();
    await B.getByLabel('Diese Anforderung aufgehen lassen in').selectOption(aId);
    await submit(page, B.locator('form[action*="/merge"] button[type=submit]'), 'merge');

    const curated = async (p: Page, lang: 'de' | 'en') => {
      const a = p.locator(`[data-requirement="${aId}"]`);
      expect((await a.locator('h4').textContent())!.trim()).to.equal(lang === 'de' ? 'Intranet-Suche über alle Ablagen' : 'Intranet search across all stores');
      expect(words(await shownQuotes(a).first().textContent())).to.equal(pinned);
      expect(await allWords(shownQuotes(a))).not.to.include(hidden);
      expect(await a.locator('[data-plan-line]').textContent()).to.match(lang === 'de' ? /Verantwortlich: Team Intranet · Zieltermin: 31\. März 2027/ : /Owner: Team Intranet · Target date: 31 March 2027/);
      expect(await a.locator('.req-merged').textContent()).to.include(lang === 'de' ? 'Zusammengeführt mit' : 'Merged with');
      expect(await p.locator(`[data-requirement="${bId}"]`).count()).to.equal(0);
    };
    await curated(page, 'de');

    // The analysis runs again (as after new answers or board corrections).
    await startRun(new mongoose.Types.ObjectId(campaignId), lead.id);
    expect((await createRunner({ instanceId: 'browser-report-2' }).drain()).map((o) => o.status)).to.deep.equal(['done']);
    await page.goto(reportUrl);
    await curated(page, 'de');
    expect(await page.locator('[data-history-action]').count()).to.equal(5);
    expect(await page.locator('[data-stale]').count(), 'nothing lost to the new run').to.equal(0);
    expect(await page.locator('[data-curated]').textContent()).to.match(/1 Anforderung umbenannt.*1 Anforderung mit einer anderen zusammengeführt.*1 Zitat angeheftet.*1 Zitat ausgeblendet.*1 Eintrag im Maßnahmenplan/);

    // A stakeholder reads the German campaign in English: the curated report, read-only.
    const stakeholder = await makeUser('stakeholder');
    await setMember(campaignId, new mongoose.Types.ObjectId(stakeholder.id), 'stakeholder', true);
    const readerContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const reader = await signIn(readerContext, base, stakeholder, 'en');
    await reader.goto(`${base}/lead/campaigns/${campaignId}/report?lang=en`);
    await curated(reader, 'en');
    expect(await reader.locator('article.report form').count()).to.equal(0);
    expect(await reader.locator('article.report details').count()).to.equal(0);
    expect(await reader.locator('article.report a[href*="/responses/"]').count()).to.equal(0);
    expect(await reader.getByRole('heading', { level: 2, name: 'Action plan' }).isVisible()).to.equal(true);
    // German quotes stay German, marked as such in the English report.
    expect(await reader.locator('article.report blockquote[lang="de"]').count()).to.be.greaterThan(0);
    expect(await reader.locator('.quote-by', { hasText: 'in German' }).count()).to.be.greaterThan(0);
    expect(bTitle.length).to.be.greaterThan(0);
    await screenshot(reader, 'report-desktop.png');

    // The PDF the stakeholder downloads: its first page for the README.
    const pdf = await readerContext.request.get(`${base}/lead/campaigns/${campaignId}/report/pdf?lang=en`);
    expect(pdf.status()).to.equal(200);
    expect(pdf.headers()['content-type']).to.equal('application/pdf');
    if (process.env.SCREENSHOTS === '1') {
      const file = path.join(dir, 'report.pdf');
      await writeFile(file, await pdf.body());
      await run('pdftoppm', ['-png', '-r', '90', '-f', '1', '-l', '1', '-singlefile', file, path.join(dir, 'page1')]);
      await copyFile(path.join(dir, 'page1.png'), path.join(SHOTS_DIR, 'report-pdf-page1.png'));
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    await leadContext.close();
    await readerContext.close();
  });
});
