/// <reference lib="dom" />
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type mongoose from 'mongoose';
import type { Browser } from 'playwright-core';
import { createShare } from '../../src/reports/report-share.service.js';
import { projectRoot } from '../../src/shared/paths.js';
import { makeUser, testApp } from '../helpers/app.js';
import { CHROMIUM_PATH, launchChromium, listenLocal } from '../helpers/browser.js';
import { useTestDb } from '../helpers/test-db.js';
import { reportCampaign } from './report.fixtures.js';
import { requireTool } from '../helpers/tools.js';

const run = promisify(execFile);

/**
 * The report in a real browser (Debian's Chromium via playwright-core), opened through a share
 * link without an account: the token is redeemed to a clean URL, the page renders without CSP
 * errors, and printing gives A4 pages with page numbers in the report's language.
 */
describe('report in a real browser: share link and print (A4, page numbers)', function () {
  this.timeout(120_000);
  useTestDb('report_print');
  let server: Server;
  let base: string;
  let browser: Browser;
  let dir: string;

  before(async function () {
    requireTool(this, 'chromium', CHROMIUM_PATH);
    requireTool(this, 'pdftotext');
    ({ server, base } = await listenLocal(testApp().app()));
    browser = await launchChromium();
    dir = await mkdtemp(path.join(tmpdir(), 'wv-print-'));
  });
  after(async () => {
    await browser?.close();
    if (server) await new Promise((r) => server.close(r));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('opens through a share link on a clean URL and prints on A4 with "Seite n von N"', async () => {
    const lead = await makeUser('lead');
    const { campaign } = await reportCampaign(lead.id);
    const { token } = await createShare(campaign._id as mongoose.Types.ObjectId, { label: 'Browser', days: 2 }, lead.id);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${base}/share/${token}`);
    expect(page.url()).to.match(/\/share\/r\/[A-Za-z0-9_-]{16}$/);
    expect(page.url()).not.to.include(token);
    await page.goto(`${page.url()}?lang=de`);
    expect(await page.getByRole('heading', { level: 2, name: 'Zusammenfassung' }).isVisible()).to.equal(true);
    // The print button is shown by public/js/report.js (CSP: no inline script).
    expect(await page.getByRole('button', { name: 'Drucken oder als PDF speichern' }).isVisible()).to.equal(true);
    // Committed screenshots are written only when asked for (SCREENSHOTS=1), never by a normal run.
    if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: path.join(projectRoot(), 'docs', 'screenshots', 'report-share.png'), fullPage: false });

    // Print: the CSS @page rules decide the size (A4) and the page-number margin boxes.
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(boxes.length, 'pages').to.be.greaterThan(1);
    for (const [w, h] of boxes) {
      expect(Math.round(w), 'A4 width in pt').to.equal(595);
      expect(Math.round(h), 'A4 height in pt').to.equal(842);
    }
    // Page numbers in German, in the PDF's text (poppler's pdftotext; required above).
    const file = path.join(dir, 'report.pdf');
    await writeFile(file, pdf);
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    expect(stdout).to.match(new RegExp(`Seite 1 von ${boxes.length}`));
    expect(stdout).to.include(`Seite ${boxes.length} von ${boxes.length}`);
    // No screen controls in print.
    expect(stdout).not.to.include('Drucken oder als PDF speichern');
    expect(stdout).not.to.include('Als Markdown herunterladen');
    expect(problems, problems.join('\n')).to.deep.equal([]);
    await context.close();
  });
});
