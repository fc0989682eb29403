/// <reference lib="dom" />
import type { Server } from 'node:http';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { makeUser, testApp } from '../helpers/app.js';
import { launchChromium, listenLocal } from '../helpers/browser.js';
import { useTestDb } from '../helpers/test-db.js';

/**
 * Du or Sie (issue 15): a campaign's form of address decides every German text its respondents
 * see. A lead creates two campaigns from the template through the form — one "Sie", one "Du" —
 * opens them, and a browser walks every respondent page of each: the consent page (also with its
 * error), the answer page (also after a refused submit, with the recorder's texts that scripts
 * show later), the thanks page, an error page under the campaign's link, and the pages for a
 * public link switched off and for a closed campaign. Each page's German text (and the recorder's
 * messages in data attributes) must not contain the other form.
 *
 * The patterns are this test's own, written against the forms German uses:
 * - informal: du, dich, dir, dein…, euch, euer, eure… (any case); "ihr" in lower case; and "Ihr"
 *   as the plural pronoun — before a verb or an adverb ("arbeitet Ihr heute", "Ihr seid") or before
 *   punctuation ("was braucht Ihr?");
 * - formal: Sie, Ihnen, Ihre… (capitalised), and "Ihr" before a noun ("Ihr Arbeitsplatz").
 */
const INFORMAL: RegExp[] = [
  /(?<!\p{L})(du|dich|dir|dein\p{L}*|euch|euer|eure\p{L}*)(?!\p{L})/iu,
  /(?<!\p{L})ihr(?!\p{L})/u,
  /(?<!\p{L})Ihr(?=\s*[.,;:!?)]|\s*$)/u,
  /(?<!\p{L})Ihr\s+(heute|auch|schon|noch|gern|bitte|seid|habt|\p{Ll}+t)(?!\p{L})/u,
];
const FORMAL: RegExp[] = [/(?<!\p{L})(Sie|Ihnen|Ihre|Ihrem|Ihren|Ihrer|Ihres)(?!\p{L})/u, /(?<!\p{L})Ihr\s+\p{Lu}/u];

function offending(text: string, patterns: RegExp[]): string[] {
  return text
    .split(/(?<=[.!?:])\s+|\n+/)
    .filter((sentence) => patterns.some((re) => re.test(sentence)))
    .map((s) => s.trim().slice(0, 160));
}

/** What a respondent can read on the page: its text, its title and the recorder's messages. */
async function germanText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const attrs = Array.from(document.querySelectorAll('*')).flatMap((el) =>
      Array.from(el.attributes)
        .filter((a) => /^(data-(msg|err)-|aria-label|title|placeholder|data-(saving|saved|failed|offline|template))/.test(a.name))
        .map((a) => a.value),
    );
    // Only German text: parts marked as another language (the language switch's "English") are not.
    const clone = document.body.cloneNode(true) as HTMLElement;
    clone.querySelectorAll('[lang]:not([lang="de"])').forEach((el) => el.remove());
    clone.querySelectorAll('script, style').forEach((el) => el.remove());
    return [document.title, clone.innerText, ...attrs].join('\n');
  });
}

describe('browser: Du or Sie on every respondent page', function () {
  this.timeout(90_000);
  useTestDb('browser_address');
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

  /** A lead creates the template campaign with `address` through the form and opens it. */
  async function campaignFromForm(address: 'du' | 'sie'): Promise<{ id: string; token: string }> {
    const lead = await makeUser('lead');
    const ctx = await browser.newContext({ locale: 'de-DE' });
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('E-Mail-Adresse').fill(lead.email);
    await page.getByLabel('Passwort').fill(lead.password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(/\/lead$/);
    await page.goto(`${base}/lead/campaigns/new`);
    // The template says "Du": that is what the form starts with.
    expect(await page.locator('input[name="address"][value="du"]').isChecked()).to.equal(true);
    await page.getByLabel('Titel (Deutsch)', { exact: true }).fill(address === 'sie' ? 'Befragung A' : 'Befragung B');
    await page.getByLabel('Beschreibung (Deutsch)', { exact: true }).fill('Vier Fragen zum digitalen Arbeitsplatz. Die Antworten helfen bei der Auswahl der Werkzeuge.');
    await page.locator(`input[name="address"][value="${address}"]`).check();
    await page.getByRole('button', { name: 'Speichern' }).last().click();
    await page.waitForURL(/\/lead\/campaigns\/[a-f0-9]{24}\?saved=1$/);
    const id = /campaigns\/([a-f0-9]{24})/.exec(page.url())![1];
    // The template's questions followed the choice; nothing on the campaign page is flagged.
    expect(await page.locator('.notice.warn').count(), 'no wording in the other form').to.equal(0);
    await page.getByRole('button', { name: 'Kampagne öffnen' }).click();
    await page.waitForURL(/status=open/);
    await ctx.close();
    const c = (await CampaignModel.findById(id).lean())!;
    expect(c.address).to.equal(address);
    return { id, token: c.publicToken };
  }

  async function respondentPages(token: string, id: string): Promise<Array<{ name: string; text: string }>> {
    const seen: Array<{ name: string; text: string }> = [];
    const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'de-DE', isMobile: true });
    const page = await ctx.newPage();
    const take = async (name: string) => seen.push({ name, text: await germanText(page) });

    await page.goto(`${base}/r/${token}`);
    await take('consent');
    await page.getByRole('button', { name: /los geht/ }).click();
    await page.waitForSelector('.error-summary');
    await take('consent without the tick');
    await page.locator('input[name="consent"]').check();
    await page.getByRole('button', { name: /los geht/ }).click();
    await page.waitForURL(/\/answer/);
    await page.locator('#question-q1 summary').click();
    await take('answers (recorder open)');
    await page.getByRole('button', { name: 'Antworten abschicken' }).click();
    await page.waitForSelector('.error-summary');
    await take('answers after a refused submit');
    await page.goto(`${base}/r/${token}/media/m_AAAAAAAAAAAAAAAAAAAAAAAA`);
    await take('error page under the link (404)');
    await page.goto(`${base}/r/${token}/answer`);
    for (const key of ['q1', 'q2', 'q3', 'q4']) await page.locator(`#f-answers-${key}`).fill(`Antwort ${key}`);
    // The template's "digital readiness" block (two rating scales, issue 17) is on by default.
    await page.locator('label[for="f-answers-readiness_tools-7"]').click();
    await page.locator('label[for="f-answers-readiness_openness-4"]').click();
    await page.getByRole('button', { name: 'Antworten abschicken' }).click();
    await page.waitForURL(/\/thanks/);
    await take('thanks');

    // Public link switched off: a new device is told it needs a personal link.
    await CampaignModel.updateOne({ _id: id }, { $set: { publicLinkEnabled: false } });
    const other = await browser.newContext({ locale: 'de-DE' });
    const second = await other.newPage();
    await new Promise((r) => setTimeout(r, 2100)); // the campaign cache lives 2 s
    await second.goto(`${base}/r/${token}`);
    seen.push({ name: 'personal link only', text: await germanText(second) });
    await CampaignModel.updateOne({ _id: id }, { $set: { status: 'closed' } });
    await new Promise((r) => setTimeout(r, 2100));
    await second.goto(`${base}/r/${token}`);
    seen.push({ name: 'closed', text: await germanText(second) });
    await other.close();
    await ctx.close();
    return seen;
  }

  it('a "Sie" campaign shows no Du/Dein/Euch/Ihr (plural) forms, and a "Du" campaign no Sie/Ihr/Ihnen', async () => {
    const sie = await campaignFromForm('sie');
    const du = await campaignFromForm('du');
    for (const [name, c, wrong, right] of [
      ['Sie', sie, INFORMAL, FORMAL],
      ['Du', du, FORMAL, INFORMAL],
    ] as const) {
      const pages = await respondentPages(c.token, c.id);
      expect(pages.map((p) => p.name)).to.have.length(8);
      for (const p of pages) {
        expect(offending(p.text, wrong), `${name} campaign, ${p.name}`).to.deep.equal([]);
      }
      // The check looks at real text: each campaign does address people, in its own form.
      const consent = pages.find((p) => p.name === 'consent')!;
      expect(offending(consent.text, right).length, `${name}: the consent page uses its form`).to.be.greaterThan(2);
      const answers = pages.find((p) => p.name === 'answers after a refused submit')!;
      expect(answers.text).to.include(name === 'Sie' ? 'Bitte beantworten Sie diese Frage.' : 'Bitte beantworte diese Frage.');
      expect(answers.text).to.include(name === 'Sie' ? 'Wie arbeiten bzw. kommunizieren Sie heute mit Ihren Kollegen?' : 'Wie arbeitest bzw. kommunizierst Du heute mit Deinen Kollegen?');
      expect(answers.text).to.include(name === 'Sie' ? 'Wie offen ist Ihr Team für neue Arbeitsweisen?' : 'Wie offen ist Dein Team für neue Arbeitsweisen?');
    }
  });
});
