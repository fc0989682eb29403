/// <reference lib="dom" />
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { startRun } from '../../src/analysis-runs/analysis-run.service.js';
import { createRunner } from '../../src/analysis-runs/runner.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { createShare } from '../../src/reports/report-share.service.js';
import { seedDemo } from '../../seeds/seed.js';
import { staffClient, testApp } from '../helpers/app.js';
import { CHROMIUM_PATH, launchChromium, listenLocal } from '../helpers/browser.js';
import { requireTool } from '../helpers/tools.js';
import { useTestDb } from '../helpers/test-db.js';

const run = promisify(execFile);

function binary(res: request.Response): Buffer {
  return res.body as Buffer;
}
/** supertest: collect a binary body (the PDF) as a Buffer. */
const asBuffer = ((res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}) as unknown as Parameters<request.Test['parse']>[0];

/**
 * "Download PDF" (issue 14, item 6): the seeded 32-person demo campaign as the app's PDF —
 * A4, at most 6 pages, page numbers, campaign and date in the footer — and its text equal to
 * the print view's text in the same language. Needs Debian's Chromium and poppler's pdftotext
 * (`.ci/run` installs both).
 */
describe('report PDF of the demo campaign (headless Chromium) equals the print view', function () {
  this.timeout(180_000);
  useTestDb('report_pdf');
  const app = testApp();
  let server: Server;
  let base: string;
  let browser: Browser;
  let dir: string;
  let shareLocation: string;
  let shareToken: string;
  let visitor: ReturnType<typeof request.agent>;
  let campaignId: string;
  let campaignTitle: string;

  before(async function () {
    requireTool(this, 'chromium', CHROMIUM_PATH);
    requireTool(this, 'pdftotext');
    ({ server, base } = await listenLocal(app.app()));
    browser = await launchChromium();
    dir = await mkdtemp(path.join(tmpdir(), 'wv-pdf-'));
    ({ campaignId } = await seedDemo());
    const lead = await staffClient(app, 'lead');
    await CampaignModel.updateOne({ _id: campaignId }, { $set: { ownerId: new mongoose.Types.ObjectId(lead.user.id) } });
    campaignTitle = (await CampaignModel.findById(campaignId, { title: 1 }).lean<{ title: string }>())!.title;
    await startRun(new mongoose.Types.ObjectId(campaignId), lead.user.id);
    expect((await createRunner({ instanceId: 'report-pdf' }).drain()).map((o) => o.status)).to.deep.equal(['done']);
    const { token } = await createShare(new mongoose.Types.ObjectId(campaignId), { label: 'PDF', days: 1 }, lead.user.id);
    visitor = request.agent(app);
    shareToken = token;
    shareLocation = String((await visitor.get(`/share/${token}`).expect(303)).headers.location);
  });
  after(async () => {
    await browser?.close();
    if (server) await new Promise((r) => server.close(r));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The print view's text: the report as Chromium lays it out for print, list markers included. */
  async function printViewText(lang: 'de' | 'en'): Promise<string> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    await page.goto(`${base}/share/${shareToken}`);
    await page.goto(`${base}${shareLocation}?lang=${lang}`);
    const text = await page.evaluate(() => {
      // Numbers of ordered lists are drawn by the browser as text (not part of the DOM), so
      // pdftotext reads them; bullets are drawn as shapes and are in neither.
      document.querySelectorAll('ol').forEach((ol) => ol.querySelectorAll(':scope > li').forEach((li, i) => li.prepend(`${i + 1}. `)));
      document.querySelectorAll('ol').forEach((l) => ((l as HTMLElement).style.listStyle = 'none'));
      return (document.querySelector('article.report') as HTMLElement).innerText;
    });
    await context.close();
    return text;
  }

  async function pdfText(pdf: Buffer, name: string): Promise<{ text: string; pages: number; info: string }> {
    const file = path.join(dir, name);
    await writeFile(file, pdf);
    const { stdout: info } = await run('pdfinfo', [file]);
    // -raw: the text in the order the page was drawn (the document's order).
    const { stdout: text } = await run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']);
    return { text, pages: Number(/Pages:\s+(\d+)/.exec(info)![1]), info };
  }

  /**
   * Whitespace normalised. One difference cannot be avoided: where Chromium breaks a line after
   * the hyphen of a word ("Push-|Nachrichten"), the PDF has a line break the DOM does not; so no
   * whitespace after a hyphen counts, on either side.
   */
  const norm = (s: string) => s.replace(/\s+/g, ' ').replace(/- /g, '-').trim();

  for (const lang of ['de', 'en'] as const) {
    it(`${lang}: at most 6 A4 pages with page numbers, campaign and date in the footer; the same text as the print view`, async () => {
      const res = await visitor.get(`${shareLocation}/pdf?lang=${lang}`).buffer(true).parse(asBuffer).expect(200);
      expect(res.headers['content-type']).to.equal('application/pdf');
      expect(res.headers['content-disposition']).to.match(new RegExp(`attachment; filename="[a-z0-9-]+-report-${lang}\\.pdf"`));
      const { text, pages, info } = await pdfText(binary(res), `demo-${lang}.pdf`);
      expect(pages, 'pages').to.be.within(1, 6);
      expect(info).to.match(/Page size:\s+[\d.]+ x [\d.]+ pts \(A4\)/);
      const date = new Date().toLocaleDateString(lang === 'de' ? 'de-DE' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
      const footer = `${campaignTitle} · ${date}`;
      for (let p = 1; p <= pages; p++) expect(text).to.include(lang === 'de' ? `Seite ${p} von ${pages}` : `Page ${p} of ${pages}`);
      expect(text.split(footer).length - 1, 'campaign and date on every page').to.equal(pages);

      // The PDF's text is the print view's text plus the footers (the margin boxes are not part
      // of the page's DOM). Compared with whitespace normalised.
      const pageText = norm(await printViewText(lang));
      let body = text.split(footer).join(' ');
      body = body.replace(lang === 'de' ? /Seite \d+ von \d+/g : /Page \d+ of \d+/g, ' ');
      expect(norm(body)).to.equal(pageText);
      // Nothing of the screen's controls, nothing of the lead's tools.
      expect(body).not.to.match(/Download PDF|PDF herunterladen|Markdown|Anheften|Bearbeiten|\bPin\b|\bEdit\b/);
    });
  }

  it('the lead\'s PDF is the readers\' document (no curation tools, no links to answers)', async () => {
    const lead = await staffClient(app, 'lead');
    await CampaignModel.updateOne({ _id: campaignId }, { $set: { ownerId: new mongoose.Types.ObjectId(lead.user.id) } });
    const res = await lead.get(`/lead/campaigns/${campaignId}/report/pdf?lang=de`).buffer(true).parse(asBuffer).expect(200);
    const share = await visitor.get(`${shareLocation}/pdf?lang=de`).buffer(true).parse(asBuffer).expect(200);
    const [mine, theirs] = await Promise.all([pdfText(binary(res), 'lead.pdf'), pdfText(binary(share), 'share.pdf')]);
    expect(norm(mine.text)).to.equal(norm(theirs.text));
  });

  it('without Chromium: no PDF link, the browser\'s print with a clear message instead', async () => {
    const noChromium = testApp({ chromiumPath: '/nonexistent/chromium' });
    const agent = request.agent(noChromium);
    const { token } = await createShare(new mongoose.Types.ObjectId(campaignId), { label: 'no PDF', days: 1 }, undefined);
    const location = String((await agent.get(`/share/${token}`).expect(303)).headers.location);
    const page = (await agent.get(`${location}?lang=en`).expect(200)).text;
    expect(page).not.to.include('/pdf?');
    expect(page).to.include('data-pdf-fallback');
    expect(page).to.include('PDF creation is not set up on this server: print the report (Ctrl+P or ⌘+P) and choose &#34;Save as PDF&#34;');
    expect(page).to.include('data-print');
    const pdf = await agent.get(`${location}/pdf?lang=en`).expect(303);
    expect(pdf.headers.location).to.equal(`${location}?lang=en&pdf=unavailable`);
  });
});
