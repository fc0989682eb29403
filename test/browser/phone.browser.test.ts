/// <reference lib="dom" />
import type { Server } from 'node:http';
import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import { testApp } from '../helpers/app.js';
import { launchChromium, listenLocal } from '../helpers/browser.js';
import { openTemplateCampaign } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';
import { screenshot } from './screenshots.js';

/**
 * The respondent's phone (issue 15): the four-question template on a 375 × 812 screen is text
 * first — the whole answer page, before any recording, is at most 2,500 CSS px tall (it was
 * ~5,900 with a full recorder under every question) and never scrolls sideways; an emoji renders
 * as an emoji; the error summary names each question and its link lands in that question's box.
 */
describe('browser: the answer page on a phone', function () {
  this.timeout(60_000);
  useTestDb('browser_phone');
  let server: Server;
  let base: string;
  let browser: Browser;
  let phone: BrowserContext;

  before(async () => {
    ({ server, base } = await listenLocal(testApp().app()));
    browser = await launchChromium();
  });
  beforeEach(async () => {
    phone = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'de-DE', deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  });
  afterEach(async () => {
    await phone?.close();
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => server.close(r));
  });

  async function answerPage(token: string) {
    const page = await phone.newPage();
    await page.goto(`${base}/r/${token}`);
    await page.getByLabel(/einverstanden/).check();
    await page.getByRole('button', { name: /los geht/ }).click();
    await page.waitForURL(/\/answer/);
    return page;
  }

  it('is at most 2,500 CSS px tall for the four-question template before any recording, text first', async () => {
    const campaign = await openTemplateCampaign();
    expect(campaign.questions.every((q) => q.modes.includes('video')), 'every template question offers video').to.equal(true);
    const page = await answerPage(campaign.publicToken);

    const size = await page.evaluate(() => ({ height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth }));
    expect(size.height, `page height ${size.height} px`).to.be.at.most(2500);
    expect(size.width, 'no sideways scrolling').to.be.at.most(375);
    // Every question: its text box is visible, its recorder is closed behind one line.
    for (const key of ['q1', 'q2', 'q3', 'q4']) {
      expect(await page.locator(`#f-answers-${key}`).isVisible(), key).to.equal(true);
      expect(await page.locator(`#rec-${key}`).isVisible(), `${key} recorder closed`).to.equal(false);
      expect(await page.locator(`#question-${key} summary`).textContent()).to.equal('Lieber per Video oder Audio antworten');
    }
    // Typing people are not told about transcripts or recordings.
    expect(await page.getByText(/Abschrift|Transkript/).filter({ visible: true }).count()).to.equal(0);
    // The anonymity warning exists once (it goes with the recorder that is opened).
    expect(await page.locator('.recorder-warning').count()).to.equal(1);

    // Opening one recorder keeps the others closed and shows the warning there.
    await page.locator('#question-q3 summary').click();
    // The warning moves on the details' `toggle` event, which the browser fires as a task after
    // the click: wait for it (an immediate check raced it and failed once in CI).
    await page.locator('#rec-q3 .recorder-warning').waitFor({ state: 'visible', timeout: 5000 });
    expect(await page.locator('#rec-q3 .recorder-warning').isVisible()).to.equal(true);
    expect(await page.locator('#rec-q1').isVisible()).to.equal(false);
    await page.locator('#question-q3 summary').click();

    await page.getByLabel(/digitaler Arbeitsplatz/).fill('Dass ich am Terminal in der Halle alles finde. 📦');
    await page.getByLabel('Bereich').selectOption('warehouse');
    await page.waitForFunction(() => document.getElementById('save-status')?.getAttribute('data-state') === 'idle', null, { timeout: 10_000 });
    // The README's picture: two questions, each a text box with its video/audio line.
    await page.evaluate(() => document.getElementById('question-q1')!.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(100);
    await screenshot(page, 'respond-answer-phone.png');
  });

  it('renders an emoji in an answer as an emoji (a colour glyph, not an empty box)', async () => {
    const campaign = await openTemplateCampaign();
    const page = await answerPage(campaign.publicToken);
    await page.getByLabel(/digitaler Arbeitsplatz/).fill('📦');
    // Draw the box's text with the font the page uses: an emoji font paints colour pixels, a
    // missing glyph (the "tofu" box) only black/grey outlines.
    const colourPixels = await page.evaluate(async () => {
      await document.fonts.ready;
      const box = document.getElementById('f-answers-q2') as HTMLTextAreaElement;
      const style = getComputedStyle(box);
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 64;
      const ctx = canvas.getContext('2d')!;
      ctx.font = `40px ${style.fontFamily}`;
      ctx.textBaseline = 'top';
      ctx.fillStyle = '#000';
      ctx.fillText(box.value, 4, 4);
      const data = ctx.getImageData(0, 0, 64, 64).data;
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
        if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured += 1;
      }
      return coloured;
    });
    expect(colourPixels, 'coloured pixels of 📦 (0 = no emoji font)').to.be.greaterThan(50);
  });

  it('names each unanswered question in the error summary and its link lands in that question', async () => {
    const campaign = await openTemplateCampaign();
    const page = await answerPage(campaign.publicToken);
    await page.getByLabel(/Wie arbeitest bzw\. kommunizierst/).fill('Telefon und Funk.');
    await page.getByRole('button', { name: 'Antworten abschicken' }).click();
    await page.waitForSelector('.error-summary');
    const items = await page.locator('.error-summary li').allTextContents();
    expect(items).to.have.length(3);
    expect(items[0]).to.match(/^Frage 2 \(„Was bedeutet der Begriff .* für Dich\?“\): Bitte beantworte diese Frage\.$/);
    expect(items[1]).to.match(/^Frage 3 /);
    expect(items[2]).to.match(/^Frage 4 /);
    expect(new Set(items).size, 'no two entries alike').to.equal(3);
    // The summary has the focus (keyboard and screen-reader users hear it first) ...
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).to.equal(true);
    // ... and its link moves to the question's box.
    await page.locator('.error-summary a', { hasText: 'Frage 3' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('f-answers-q3');
    expect(await page.locator('#f-answers-q1').inputValue()).to.equal('Telefon und Funk.');
  });
});
