/// <reference lib="dom" />
import type { Server } from 'node:http';
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startRun } from '../../src/analysis-runs/analysis-run.service.js';
import { createRunner } from '../../src/analysis-runs/runner.js';
import { changeStatus, createCampaign, type Campaign } from '../../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { createFromApi } from '../../src/responses/response.service.js';
import { makeUser, testApp } from '../helpers/app.js';
import { seriousA11yViolations } from '../helpers/axe.js';
import { launchChromium, listenLocal } from '../helpers/browser.js';
import { channelChoice, devicesMulti, prioritiesRanking, toolsScale } from '../helpers/closed-questions.js';
import { useTestDb } from '../helpers/test-db.js';
import { screenshot } from './screenshots.js';

/**
 * Closed question types in a real browser (issue 17, item 1): a respondent answers a campaign with
 * every question type — open text, a 0–10 scale, single choice with "other, namely …", multiple
 * choice, a ranking — by keyboard only, on a 375 px phone (German) and on a desktop (English);
 * leaves, comes back and finds the answers (autosave and resume); submits. The lead then finds
 * both respondents' answers in the dashboard, the segment comparison and the answers export.
 * axe-core finds no serious or critical issue on the answer page (phone and desktop), the
 * lead's campaign form, the dashboard and the comparison. `SCREENSHOTS=1` writes
 * docs/screenshots/closed-questions-phone.png and closed-questions-dashboard.png.
 */
describe('browser: closed questions by keyboard on a phone and a desktop', function () {
  this.timeout(240_000);
  useTestDb('browser_closed');
  let server: Server;
  let base: string;
  let browser: Browser;
  let campaign: Campaign;
  let lead: Awaited<ReturnType<typeof makeUser>>;

  const input = {
    titles: { de: 'Werkzeuge im Alltag', en: 'Tools at work' },
    languages: ['de', 'en'],
    questions: [
      { key: 'q1', role: 'current_practice', prompt: { de: 'Wie arbeiten Sie heute mit Ihren Kollegen?', en: 'How do you work with your colleagues today?' }, modes: ['text', 'video'], required: true },
      toolsScale(),
      channelChoice(),
      devicesMulti(),
      prioritiesRanking(),
    ],
    segments: [
      { key: 'department', label: { de: 'Bereich', en: 'Department' }, options: [{ key: 'sales', label: { de: 'Vertrieb', en: 'Sales' } }, { key: 'it', label: { de: 'IT', en: 'IT' } }] },
    ],
  };

  before(async () => {
    ({ server, base } = await listenLocal(testApp().app()));
    browser = await launchChromium();
    lead = await makeUser('lead');
    campaign = await changeStatus(String((await createCampaign(campaignInputSchema.parse(input), { ownerId: lead.id }))._id), 'open');
    // Ten more respondents through the API, so the dashboard has figures (minimum group 5).
    for (let i = 0; i < 10; i++) {
      await createFromApi(campaign, {
        submissionId: `closed-browser-${i}`,
        lang: i % 2 ? 'en' : 'de',
        segments: { department: i < 6 ? 'it' : 'sales' },
        answers: {
          q1: i % 2 ? 'Mostly by e-mail and chat.' : 'Meist per E-Mail und im Chat.',
          tools: [6, 7, 8, 5, 9, 7, 3, 4, 2, 4][i],
          channel: { choices: [['mail', 'chat', 'phone'][i % 3]] },
          devices: { choices: i % 2 ? ['laptop', 'phone'] : ['laptop'] },
          priorities: { ranking: i % 2 ? ['search', 'mobile', 'training'] : ['mobile', 'search', 'training'] },
        },
      });
    }
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => server.close(r));
  });

  /** Presses Tab until the focused element matches `selector` (at most `max` times): only the keyboard moves focus. */
  async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  const focusedValue = (page: Page) => page.evaluate(() => (document.activeElement as HTMLInputElement | HTMLSelectElement | null)?.value ?? '');

  async function waitSaved(page: Page) {
    await page.waitForFunction(() => document.getElementById('save-status')?.getAttribute('data-state') === 'idle', null, { timeout: 15_000 });
  }

  /** Answers every question by keyboard only; `t` are the labels of the page's language. */
  async function answerByKeyboard(page: Page, t: { agree: RegExp; start: RegExp; text: string; other: string; tools: number }) {
    // Consent: Tab to the box, Space, Tab to the button, Enter.
    await tabTo(page, 'input[name="consent"]');
    await page.keyboard.press('Space');
    await tabTo(page, 'button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/answer/);

    // The open question: type into its text box.
    await tabTo(page, '#f-answers-q1');
    await page.keyboard.type(t.text);
    // The scale: Tab into the radio group, arrows move along the points (0 → t.tools).
    await tabTo(page, 'input[name="answers[tools]"]');
    await page.keyboard.press('Space');
    for (let i = 0; i < t.tools; i++) await page.keyboard.press('ArrowRight');
    expect(await focusedValue(page)).to.equal(String(t.tools));
    // Single choice: arrows to "other", Tab into its text field, type.
    await tabTo(page, 'input[name="answers[channel][choices][]"]');
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    expect(await focusedValue(page)).to.equal('other');
    await page.keyboard.press('Tab');
    await page.keyboard.type(t.other);
    // Multiple choice: Space ticks the laptop, Tab, Tab, Space ticks the tablet.
    await tabTo(page, '#f-answers-devices');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    // Ranking: each item's select, arrows pick its rank (training 1, search 2, mobile 3).
    await tabTo(page, '#f-answers-priorities');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await waitSaved(page);
  }

  async function expectResumed(page: Page, t: { other: string; tools: number }) {
    expect(await page.locator(`input[name="answers[tools]"][value="${t.tools}"]`).isChecked()).to.equal(true);
    expect(await page.locator('#f-answers-channel-other').isChecked()).to.equal(true);
    expect(await page.locator('#f-answers-channel-other-text').inputValue()).to.equal(t.other);
    expect(await page.locator('#f-answers-devices').isChecked()).to.equal(true);
    expect(await page.locator('#f-answers-devices-phone').isChecked()).to.equal(false);
    expect(await page.locator('#f-answers-devices-tablet').isChecked()).to.equal(true);
    expect(await page.locator('#f-answers-priorities').inputValue()).to.equal('2');
    expect(await page.locator('#f-answers-priorities-mobile').inputValue()).to.equal('3');
    expect(await page.locator('#f-answers-priorities-training').inputValue()).to.equal('1');
  }

  async function respondOn(context: BrowserContext, t: { agree: RegExp; start: RegExp; text: string; other: string; tools: number; progress: string; shot?: string }) {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${base}/r/${campaign.publicToken}`);
    await answerByKeyboard(page, t);
    expect(await page.locator('#progress-text').textContent()).to.equal(t.progress);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scrolling').to.equal(true);
    expect(await seriousA11yViolations(page), 'answer page').to.deep.equal([]);
    if (t.shot) {
      await page.evaluate(() => document.getElementById('question-tools')!.scrollIntoView({ block: 'start' }));
      await screenshot(page, t.shot);
    }

    // Leave and come back on the same device: the link opens the answers, as they were.
    await page.goto('about:blank');
    await page.goto(`${base}/r/${campaign.publicToken}`);
    await page.waitForURL(/\/answer/);
    await expectResumed(page, t);

    // Submit by keyboard.
    await tabTo(page, 'button.big[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/thanks$/);
    expect(problems).to.deep.equal([]);
    await page.close();
  }

  it('a respondent on a 375 px phone (German) and one on a desktop (English) answer every type by keyboard, resume and submit', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'de-DE', deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await respondOn(phone, { agree: /einverstanden/, start: /los geht/i, text: 'Meist im Chat, manchmal per Mail.', other: 'Brieftaube', tools: 7, progress: '5 von 5 Fragen beantwortet', shot: 'closed-questions-phone.png' });
    await phone.close();
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    await respondOn(desktop, { agree: /agree/, start: /start/i, text: 'Mostly in Teams chat.', other: 'Walkie-talkie', tools: 3, progress: '5 of 5 questions answered' });
    await desktop.close();

    const stored = await ResponseModel.find({ campaignId: campaign._id, source: 'web' }).lean();
    expect(stored).to.have.length(2);
    const byOther = Object.fromEntries(stored.map((r) => [(r.answers as unknown as Record<string, { text: string }>).channel.text, r.answers as unknown as Record<string, { value?: number; choices?: string[]; ranking?: string[] }>]));
    expect(byOther.Brieftaube.tools.value).to.equal(7);
    expect(byOther['Walkie-talkie'].tools.value).to.equal(3);
    for (const a of Object.values(byOther)) {
      expect(a.channel.choices).to.deep.equal(['other']);
      expect(a.devices.choices).to.deep.equal(['laptop', 'tablet']);
      expect(a.priorities.ranking).to.deep.equal(['training', 'search', 'mobile']);
    }
  });

  it('the lead finds the answers in the dashboard, the comparison and the export; axe finds nothing serious on the new pages', async () => {
    await startRun(campaign._id as mongoose.Types.ObjectId);
    const outcome = await createRunner({ instanceId: `closed-browser-${process.pid}` }).runOnce();
    expect(outcome?.status).to.equal('done');
    const rows = await ResponseModel.find({ campaignId: campaign._id }).lean();
    const values = rows.map((r) => (r.answers as unknown as Record<string, { value: number }>).tools.value);
    expect(values).to.include.members([7, 3]);
    const mean = Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 10) / 10;

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('E-mail address').fill(lead.email);
    await page.getByLabel('Password').fill(lead.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/lead$/);

    const id = String(campaign._id);
    await page.goto(`${base}/lead/campaigns/${id}/dashboard`);
    const closed = page.locator('#closed');
    expect(await closed.locator('#closed-tools .figure-line').textContent()).to.include(`Mean ${mean}`);
    expect(await closed.locator('#closed-tools .figure-line').textContent()).to.include(`${rows.length} answers`);
    expect(await closed.locator('#closed-channel tr[data-label="Other"]').getAttribute('data-value')).to.equal('2');
    expect(await closed.locator('#closed-priorities tbody tr').first().locator('th').textContent()).to.be.oneOf(['Search', 'Mobile work', 'Training']);
    // Chart.js drew the scale's distribution from its table.
    expect(await closed.locator('#closed-tools .chart-canvas').isVisible()).to.equal(true);
    expect(await seriousA11yViolations(page), 'dashboard').to.deep.equal([]);
    await closed.scrollIntoViewIfNeeded();
    await screenshot(closed, 'closed-questions-dashboard.png');

    await page.goto(`${base}/lead/campaigns/${id}/dashboard/segments?dim=department`);
    expect(await page.locator('#seg-closed thead').textContent()).to.include('IT');
    expect(await page.locator('#seg-closed tbody tr').first().textContent()).to.include('How well do the tools support you?');
    expect(await seriousA11yViolations(page), 'segment comparison').to.deep.equal([]);
    // A closed answer as the columns (the scale in bands), chosen in the dimension select.
    expect(await page.locator('#s-dim optgroup[label="Answers to closed questions"] option').count()).to.be.greaterThan(0);
    await page.locator('#s-dim').selectOption('answer:tools');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/dim=answer%3Atools|dim=answer:tools/);
    expect(await page.locator('main').textContent()).to.include('Columns by the answer to “How well do the tools support you?”');
    expect(await seriousA11yViolations(page), 'segment comparison by a closed answer').to.deep.equal([]);

    const csv = await (await page.request.get(`${base}/lead/campaigns/${id}/exports/answers.csv?lang=en`)).text();
    expect(csv).to.include('"Brieftaube"');
    expect(csv).to.include('"Walkie-talkie"');
    expect(csv).to.include('"Training > Search > Mobile work"');

    // The lead's form: the type of each question decides which settings show.
    await page.goto(`${base}/lead/campaigns/new`);
    const row0 = page.locator('#f-questions-0');
    expect(await row0.locator('[data-types="scale"]').isVisible()).to.equal(false);
    const readiness = page.locator('#f-questions-4');
    expect(await readiness.locator('[data-types="scale"]').isVisible()).to.equal(true);
    expect(await readiness.locator('[data-types="single multi ranking"]').isVisible()).to.equal(false);
    await row0.getByLabel('Answer type').selectOption('ranking');
    expect(await row0.locator('[data-types="single multi ranking"]').isVisible()).to.equal(true);
    expect(await row0.locator('label[data-types="single multi"]').isVisible()).to.equal(false);
    expect(await seriousA11yViolations(page), 'campaign form').to.deep.equal([]);
    await context.close();
  });
});
