/// <reference lib="dom" />
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { FileSystemMediaStore } from '../../src/media/media-store.js';
import { MediaModel } from '../../src/media/media.model.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { createLogger } from '../../src/shared/logger.js';
import { makeUser, testApp } from '../helpers/app.js';
import { openTemplateCampaign } from '../helpers/fixtures.js';
import { launchChromium, listenLocal } from '../helpers/browser.js';
import { useTestDb } from '../helpers/test-db.js';
import { screenshot } from './screenshots.js';

// Chromium's fake camera/microphone (a test pattern and a beep) and auto-accepted permission prompts.
const MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'];

/**
 * A respondent records a ~3 s video answer in a real browser (MediaRecorder), plays it back and
 * saves it; after submitting, the lead plays it on the response page and seeks, which the
 * browser does with HTTP Range requests that the server answers with 206.
 */
describe('browser: video answer recorded, submitted and played back with seeking', function () {
  this.timeout(90_000);
  useTestDb('browser_video');
  let server: Server;
  let base: string;
  let browser: Browser;
  let root: string;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'wv-browser-media-'));
    const media = { store: new FileSystemMediaStore(root), maxBytes: 50 * 1024 * 1024, maxSeconds: 600, logger: createLogger('silent') };
    ({ server, base } = await listenLocal(testApp({ media }).app()));
    browser = await launchChromium(MEDIA_ARGS);
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => server.close(r));
    await rm(root, { recursive: true, force: true });
  });

  it('records ~3 s, saves after the server confirmed, submits; the lead plays it back and seeks (Range → 206)', async () => {
    const campaign = await openTemplateCampaign();
    const lead = await makeUser('lead');
    await CampaignModel.updateOne({ _id: campaign._id }, { $set: { ownerId: lead.id } });

    const ctx = await browser.newContext({ viewport: { width: 900, height: 1000 }, locale: 'de-DE' });
    const page = await ctx.newPage();
    await page.goto(`${base}/r/${campaign.publicToken}`);
    await page.getByLabel(/einverstanden/).check();
    await page.getByRole('button', { name: /los geht/ }).click();
    await page.waitForURL(/\/answer/);

    const rec = page.locator('#rec-q1');
    // Text first: the recorder opens behind "Lieber per Video oder Audio antworten".
    expect(await rec.isVisible()).to.equal(false);
    expect(await rec.locator('[data-subtitles-field]').isVisible(), 'no subtitle upload before a recording').to.equal(false);
    // The anonymity warning is on the page once, and goes with the recorder that is opened.
    expect(await page.locator('.recorder-warning').count()).to.equal(1);
    await page.locator('#question-q2 summary').click();
    // Moved there on the details' `toggle` event, a task after the click: wait for it.
    await page.locator('#rec-q2 .recorder-warning').waitFor({ state: 'visible', timeout: 5000 });
    expect(await page.locator('#rec-q2 .recorder-warning').isVisible()).to.equal(true);
    await page.locator('#question-q1 summary').click();
    expect(await page.locator('.recorder-warning').count()).to.equal(1);
    // Anonymous campaign: the warning about face and voice comes before recording (Du, like the template).
    expect(await rec.locator('.recorder-warning').textContent()).to.match(/Gesicht und Deine Stimme/);
    await rec.getByRole('button', { name: 'Aufnahme starten' }).click();
    await rec.locator('[data-preview]').waitFor({ state: 'visible' });
    // The timer counts the recording's seconds: wait for it to show them (a stopped or missing
    // timer times out here) rather than sleep and read whatever it shows by then.
    const timerShows = (text: string) => page.waitForFunction((t) => document.querySelector('#rec-q1 [data-timer]')?.textContent === t, text, { timeout: 10_000 });
    await timerShows('0:01');
    await rec.scrollIntoViewIfNeeded();
    await screenshot(page, 'video-recording.png');
    await timerShows('0:03');
    await rec.getByRole('button', { name: 'Aufnahme beenden' }).click();
    await rec.locator('[data-playback]').waitFor({ state: 'visible' });
    // Playback of the local recording before it is sent: the player loads it (a picture from the
    // fake camera) or reports why not; no answer within 10 s counts as "not playable".
    const playback = await rec.locator('[data-playback]').evaluate(
      // (No named helper inside: tsx would wrap it in a __name() call that the page does not have.)
      (v: HTMLVideoElement) =>
        new Promise<void>((resolve) => {
          if (v.readyState >= 2 || v.error) resolve();
          v.addEventListener('canplay', () => resolve(), { once: true });
          v.addEventListener('error', () => resolve(), { once: true });
          setTimeout(resolve, 10_000);
        }).then(() => ({ readyState: v.readyState, error: v.error?.code ?? null, width: v.videoWidth, src: v.currentSrc })),
    );
    expect(playback.error, 'media error code').to.equal(null);
    expect(playback.readyState, 'readyState (2: the current frame is there)').to.be.at.least(2);
    expect(playback.width, 'video width').to.be.greaterThan(0);
    expect(playback.src).to.match(/^blob:/);
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/media\/q1$/.test(r.url())) uploads.push(r.headers()['idempotency-key'] ?? '');
    });
    await rec.getByRole('button', { name: 'Diese Aufnahme verwenden' }).click();
    await page.waitForFunction(() => document.getElementById('rec-q1')?.getAttribute('data-state') === 'saved', null, { timeout: 20_000 });
    expect(await rec.locator('[data-status]').textContent()).to.match(/Gespeichert/);
    expect(uploads).to.have.length(1);
    // With a recording, the box above is its transcript (the hint says so) and a subtitle file may follow.
    expect(await page.locator('#f-answers-q1-transcript-hint').isVisible()).to.equal(true);
    expect(await page.locator('#f-answers-q1').getAttribute('aria-describedby')).to.include('f-answers-q1-transcript-hint');
    expect(await rec.locator('[data-subtitles-field]').isVisible()).to.equal(true);
    // The saved recording counts as an answer in the progress line.
    expect(await page.locator('#progress-text').textContent()).to.equal('1 von 4 Fragen beantwortet');
    expect(uploads[0]).to.match(/^[A-Za-z0-9-]{8,64}$/);
    await rec.scrollIntoViewIfNeeded();
    await screenshot(page, 'video-recorded-saved.png');

    const mediaId = await rec.getAttribute('data-media-id');
    const media = (await MediaModel.findById(mediaId).lean())!;
    expect(media.kind).to.equal('video');
    expect(media.mime).to.equal('video/webm');
    expect(media.durationSec).to.be.within(2, 5);

    await page.getByLabel(/Wie arbeitest bzw\. kommunizierst/).fill('Ich habe erzählt, dass wir vor allem telefonieren.');
    await page.getByLabel(/digitaler Arbeitsplatz/).fill('Alles an einem Ort.');
    await page.getByLabel(/größten Herausforderungen/).fill('Zu viele Tools.');
    await page.getByLabel(/Arbeitsplatz der Zukunft/).fill('Ein Portal für alles.');
    await page.getByRole('button', { name: 'Antworten abschicken' }).click();
    await page.waitForURL(/\/thanks/);
    await ctx.close();

    const response = (await ResponseModel.findOne({ campaignId: campaign._id }).lean())!;
    const q1 = (response.answers as unknown as Record<string, { mediaId: string; text: string; mode: string }>).q1;
    expect(q1).to.include({ mediaId, mode: 'video', text: 'Ich habe erzählt, dass wir vor allem telefonieren.' });

    // The lead: sign in, open the response at t=1 and seek further.
    const desk = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    const leadPage = await desk.newPage();
    const ranges: Array<{ range: string; status: number }> = [];
    leadPage.on('response', (r) => {
      const range = r.request().headers().range;
      if (r.url().includes(`/media/${mediaId}`)) ranges.push({ range: range ?? '', status: r.status() });
    });
    await leadPage.goto(`${base}/login`);
    await leadPage.getByLabel('E-mail address').fill(lead.email);
    await leadPage.getByLabel('Password').fill(lead.password);
    await leadPage.getByRole('button', { name: 'Sign in' }).click();
    await leadPage.waitForURL(/\/lead$/);
    await leadPage.goto(`${base}/lead/campaigns/${String(campaign._id)}/responses/${String(response._id)}?t=1`);
    const video = leadPage.locator('#answer-q1 video[data-player]');
    await video.waitFor();
    // ?t=1 started the player at one second (public/js/media-player.js).
    await leadPage.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('#answer-q1 video[data-player]');
      return !!v && v.readyState >= 1 && Math.abs(v.currentTime - 1) < 0.05;
    }, null, { timeout: 15_000 });
    const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
    expect(duration).to.be.within(2, 5); // the remuxed file has a duration (MediaRecorder's own has none)
    const seeked = await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<number>((resolve) => {
          v.addEventListener('seeked', () => resolve(v.currentTime), { once: true });
          v.currentTime = 2.5;
        }),
    );
    expect(seeked).to.be.within(2.4, 2.6);
    await video.evaluate((v: HTMLVideoElement) => v.play().then(() => new Promise((r) => setTimeout(r, 300))).then(() => v.pause()));
    expect(ranges.length).to.be.greaterThan(0);
    expect(ranges.some((r) => /^bytes=\d+-\d*$/.test(r.range) && r.status === 206)).to.equal(true, JSON.stringify(ranges));
    await leadPage.locator('#answer-q1').scrollIntoViewIfNeeded();
    await screenshot(leadPage, 'video-playback.png');
    await desk.close();
  });
});
