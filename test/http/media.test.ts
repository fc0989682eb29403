import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { answersOf } from '../../src/analysis-runs/analysis-input.js';
import { FileSystemMediaStore } from '../../src/media/media-store.js';
import { MediaModel } from '../../src/media/media.model.js';
import type { MediaOptions } from '../../src/media/media.service.js';
import { DraftModel, ResponseModel } from '../../src/responses/response.model.js';
import { createLogger } from '../../src/shared/logger.js';
import { csrfFrom, makeUser, signIn, testApp } from '../helpers/app.js';
import { openTemplateCampaign } from '../helpers/fixtures.js';
import { abortedUpload, containerTags, declaredTooLarge, filesIn, hasFfmpeg, makeMediaFixtures, multipartBody, type MediaFixtures } from '../helpers/media.js';
import { useTestDb } from '../helpers/test-db.js';
import { requireTool } from '../helpers/tools.js';

describe('video answers: upload, storage, playback, transcripts (file-system store)', function () {
  this.timeout(30_000);
  useTestDb('media');
  let fx: MediaFixtures;
  let root: string;
  let opts: MediaOptions;
  let server: Server;
  let port: number;

  before(async function () {
    if (!(await hasFfmpeg())) requireTool(this, 'ffmpeg'); // .ci/run installs Debian's ffmpeg
    fx = await makeMediaFixtures();
    root = await mkdtemp(path.join(os.tmpdir(), 'wv-media-store-'));
    // 1 MB limit: the fixtures are ~60 KB; "above" and "far above" stay cheap.
    opts = { store: new FileSystemMediaStore(root), maxBytes: 1024 * 1024, maxSeconds: 600, logger: createLogger('silent') };
    server = testApp({ media: opts }).app().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    if (root) await rm(root, { recursive: true, force: true });
    if (fx) await rm(fx.dir, { recursive: true, force: true });
  });

  /** An open template campaign whose questions allow video; `owner` is its lead. */
  async function videoCampaign(overrides: { anonymity?: 'anonymous' | 'identified' } = {}) {
    const owner = await signIn(server as never, 'lead');
    const questions = interviewTemplate().questions.map((q, i) => ({ ...q, modes: ['text', 'video'] as Array<'text' | 'video'>, required: i === 0 }));
    const c = await openTemplateCampaign({ questions, ...overrides });
    await CampaignModel.updateOne({ _id: c._id }, { $set: { ownerId: owner.user.id } });
    return { c, owner };
  }

  /** A respondent's browser that has consented (cookie + CSRF token). */
  async function respondent(token: string) {
    const agent = request.agent(server);
    const welcome = await agent.get(`/r/${token}`).expect(200);
    const start = await agent.post(`/r/${token}/start`).type('form').send({ lang: 'de', consent: 'yes', _csrf: csrfFrom(welcome.text) }).expect(303);
    const page = await agent.get(`/r/${token}/answer`).expect(200);
    // The device's cookies (resume, CSRF, consent), for raw HTTP requests (aborted and oversized uploads).
    const cookie = [welcome, start, page]
      .flatMap((res) => (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [])
      .map((c) => c.split(';')[0])
      .join('; ');
    return Object.assign(agent, { csrf: csrfFrom(page.text), page: page.text, cookie });
  }

  function upload(agent: Awaited<ReturnType<typeof respondent>>, token: string, q: string, file: Buffer, extra: { key?: string; filename?: string; type?: string } = {}) {
    const req = agent
      .post(`/r/${token}/media/${q}`)
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', agent.csrf)
      .attach('file', file, { filename: extra.filename ?? 'mein-video.webm', contentType: extra.type ?? 'video/webm' });
    return extra.key ? req.set('Idempotency-Key', extra.key) : req;
  }

  it('stores a recording under a generated id, strips container metadata, and attaches it to the draft', async () => {
    const { c } = await videoCampaign();
    const r = await respondent(c.publicToken);
    const res = await upload(r, c.publicToken, 'q1', fx.webm, { key: 'idem-key-0001', filename: 'Jane Doe interview.webm' }).expect(201);
    expect(res.body.media).to.include({ kind: 'video', mime: 'video/webm', metadataStripped: true });
    expect(res.body.media.durationSec).to.be.within(1.5, 2.5);
    const media = await MediaModel.findById(res.body.media.id).lean();
    expect(media!.originalName).to.equal('Jane Doe interview.webm');
    const files = await filesIn(root);
    expect(files).to.have.length(1);
    expect(files[0]).to.not.include('Jane');
    expect(path.basename(files[0])).to.equal(media!.storageKey);
    // Title, artist and comment were in the upload; none is left in the stored file.
    const tags = await containerTags(path.join(root, files[0]));
    expect(Object.values(tags).join(' ')).to.not.match(/Secret|Jane|phone/);
    const draft = await DraftModel.findById(media!.ownerKey).lean();
    expect((draft!.answers as unknown as Record<string, { mediaId: string; mode: string }>).q1).to.include({ mediaId: media!._id, mode: 'video' });
  });

  it('strips title and GPS location from mp4 uploads too', async () => {
    const { c } = await videoCampaign();
    const r = await respondent(c.publicToken);
    const res = await upload(r, c.publicToken, 'q1', fx.mp4, { filename: 'IMG_0001.MOV', type: 'video/quicktime' }).expect(201);
    expect(res.body.media).to.include({ kind: 'video', mime: 'video/mp4' });
    const media = await MediaModel.findById(res.body.media.id).lean();
    const tags = await containerTags(path.join(root, media!.storageKey.slice(0, 2), media!.storageKey));
    expect(Object.keys(tags)).to.not.include('location');
    expect(Object.values(tags).join(' ')).to.not.match(/Secret|Jane|53\.55/);
  });

  it('retrying with the same idempotency key returns the first upload; re-recording replaces the old file', async () => {
    const { c } = await videoCampaign();
    const r = await respondent(c.publicToken);
    const before = (await filesIn(root)).length;
    const first = await upload(r, c.publicToken, 'q2', fx.webm, { key: 'retry-key-0001' }).expect(201);
    const again = await upload(r, c.publicToken, 'q2', fx.webm, { key: 'retry-key-0001' }).expect(200);
    expect(again.body.repeated).to.equal(true);
    expect(again.body.media.id).to.equal(first.body.media.id);
    expect((await filesIn(root)).length).to.equal(before + 1);
    const second = await upload(r, c.publicToken, 'q2', fx.webm, { key: 'retry-key-0002' }).expect(201);
    expect(second.body.media.id).to.not.equal(first.body.media.id);
    expect(await MediaModel.exists({ _id: first.body.media.id })).to.equal(null);
    expect((await filesIn(root)).length).to.equal(before + 1);
    // "Delete recording": file, document and the draft's link go; a typed transcript stays.
    await r.post(`/r/${c.publicToken}/autosave`).set('X-CSRF-Token', r.csrf).send({ answers: { q2: 'Lieber schriftlich.' } }).expect(200);
    await r.post(`/r/${c.publicToken}/media/q2/remove`).set('Accept', 'application/json').set('X-CSRF-Token', r.csrf).expect(200);
    expect(await MediaModel.exists({ _id: second.body.media.id })).to.equal(null);
    expect((await filesIn(root)).length).to.equal(before);
    const page = await r.get(`/r/${c.publicToken}/answer`).expect(200);
    expect(page.text).to.include('Lieber schriftlich.');
    expect(page.text).to.not.include(second.body.media.id);
  });

  it('accepts an audio-only answer (m4a), and drops the picture when audio-only was chosen for a video', async () => {
    const { c } = await videoCampaign();
    const r = await respondent(c.publicToken);
    const m4a = await upload(r, c.publicToken, 'q3', fx.m4a, { filename: 'memo.m4a', type: 'audio/mp4' }).expect(201);
    expect(m4a.body.media).to.include({ kind: 'audio', mime: 'audio/mp4' });
    const res = await r
      .post(`/r/${c.publicToken}/media/q4`)
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', r.csrf)
      .field('audioOnly', '1')
      .attach('file', fx.webm, { filename: 'x.webm', contentType: 'video/webm' })
      .expect(201);
    expect(res.body.media).to.include({ kind: 'audio', mime: 'audio/webm' });
  });

  it('refuses wrong magic bytes and empty files whatever the declared type, storing nothing', async () => {
    const { c } = await videoCampaign();
    const r = await respondent(c.publicToken);
    const before = { files: (await filesIn(root)).length, docs: await MediaModel.countDocuments({}) };
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(6000, 1)]);
    const wrong = await upload(r, c.publicToken, 'q1', png, { filename: 'answer.webm', type: 'video/webm' }).expect(415);
    expect(wrong.body.error.code).to.equal('media_type');
    expect(wrong.body.error.message).to.match(/mp4, webm/);
    const script = await upload(r, c.publicToken, 'q1', Buffer.from('<script>alert(1)</script>'.repeat(300)), { filename: 'a.mp4', type: 'video/mp4' }).expect(415);
    expect(script.body.error.code).to.equal('media_type');
    const empty = await upload(r, c.publicToken, 'q1', Buffer.alloc(0)).expect(400);
    expect(empty.body.error.code).to.equal('media_empty');
    expect((await filesIn(root)).length).to.equal(before.files);
    expect(await MediaModel.countDocuments({})).to.equal(before.docs);
  });

  it('accepts a file exactly at the limit and refuses one byte above it, leaving nothing behind', async () => {
    const { c } = await videoCampaign();
    const exact = testApp({ media: { ...opts, maxBytes: fx.webm.length } });
    const agent = request.agent(exact);
    const welcome = await agent.get(`/r/${c.publicToken}`).expect(200);
    await agent.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes', _csrf: csrfFrom(welcome.text) }).expect(303);
    const csrf = csrfFrom((await agent.get(`/r/${c.publicToken}/answer`).expect(200)).text);
    const send = (file: Buffer) =>
      agent.post(`/r/${c.publicToken}/media/q1`).set('Accept', 'application/json').set('X-CSRF-Token', csrf).attach('file', file, { filename: 'a.webm', contentType: 'video/webm' });
    await send(fx.webm).expect(201);
    const before = { files: (await filesIn(root)).length, docs: await MediaModel.countDocuments({}) };
    const above = await send(Buffer.concat([fx.webm, Buffer.from([0])])).expect(413);
    expect(above.body.error.code).to.equal('media_too_large');
    expect(above.body.error.message).to.match(/larger than/);
    expect((await filesIn(root)).length).to.equal(before.files);
    expect(await MediaModel.countDocuments({})).to.equal(before.docs);
  });

  it('refuses an upload far above the limit from its Content-Length, before reading the body', async () => {
    const { c } = await videoCampaign();
    const r = await respondent(c.publicToken);
    const headers = { Accept: 'application/json', 'X-CSRF-Token': r.csrf, 'Content-Type': 'multipart/form-data; boundary=x', Cookie: r.cookie };
    const res = await declaredTooLarge(port, `/r/${c.publicToken}/media/q1`, headers, 50 * 1024 * 1024 * 1024);
    expect(res.status).to.equal(413);
    expect(JSON.parse(res.body).error.code).to.equal('media_too_large');
  });

  it('an upload cut off mid-stream leaves no file, no partial file and no document', async () => {
    const { c } = await videoCampaign();
    const r = await respondent(c.publicToken);
    const before = { files: await filesIn(root), docs: await MediaModel.countDocuments({}) };
    const big = Buffer.concat([fx.webm, Buffer.alloc(600_000, 7)]);
    const { body, contentType } = multipartBody(big);
    let midway: string[] = [];
    await abortedUpload(port, `/r/${c.publicToken}/media/q1`, { Accept: 'application/json', 'X-CSRF-Token': r.csrf, 'Content-Type': contentType, Cookie: r.cookie }, body, 200_000, async () => {
      // Wait (on a busy machine) until the server is streaming it into the store.
      for (let i = 0; i < 100 && !midway.some((f) => f.endsWith('.part')); i += 1) {
        midway = await filesIn(root);
        if (!midway.some((f) => f.endsWith('.part'))) await new Promise((res) => setTimeout(res, 50));
      }
    });
    // The upload really was streaming into the store when the connection dropped…
    expect(midway.filter((f) => f.endsWith('.part'))).to.have.length(1);
    // Give the server a moment to notice the closed socket and clean up.
    await new Promise((res) => setTimeout(res, 500));
    const after = await filesIn(root);
    expect(after.filter((f) => f.endsWith('.part'))).to.deep.equal([]);
    expect(after).to.deep.equal(before.files);
    expect(await MediaModel.countDocuments({})).to.equal(before.docs);
  });

  it('refuses uploads without the CSRF token, to questions without video, and after submitting', async () => {
    const { c } = await videoCampaign();
    const r = await respondent(c.publicToken);
    await r.post(`/r/${c.publicToken}/media/q1`).set('Accept', 'application/json').attach('file', fx.webm, 'a.webm').expect(403);
    const textOnly = await openTemplateCampaign({ questions: interviewTemplate().questions.map((q) => ({ ...q, modes: ['text'] as Array<'text' | 'video'> })) });
    const t = await respondent(textOnly.publicToken);
    await upload(t, textOnly.publicToken, 'q1', fx.webm).expect(404);
    await r.post(`/r/${c.publicToken}/submit`).type('form').send({ _csrf: r.csrf, submissionId: 'sub-00000001', 'answers[q1]': 'Getippt.' }).expect(303);
    const late = await upload(r, c.publicToken, 'q2', fx.webm).expect(409);
    expect(late.body.error.message).to.match(/reload/);
  });

  describe('playback', () => {
    let mediaUrl: string;
    let size: number;
    let ctx: Awaited<ReturnType<typeof videoCampaign>>;
    let respondentAgent: Awaited<ReturnType<typeof respondent>>;
    let mediaId: string;

    before(async () => {
      ctx = await videoCampaign();
      const r = await respondent(ctx.c.publicToken);
      respondentAgent = r;
      const res = await upload(r, ctx.c.publicToken, 'q1', fx.webm).expect(201);
      mediaId = res.body.media.id;
      size = res.body.media.size;
      mediaUrl = `/lead/campaigns/${String(ctx.c._id)}/media/${mediaId}`;
      // Not visible to the lead before the respondent submits.
      await ctx.owner.agent.get(mediaUrl).expect(404);
      await r.post(`/r/${ctx.c.publicToken}/submit`).type('form').send({ _csrf: r.csrf, submissionId: 'sub-play-0001', 'answers[q1]': 'Wir nutzen Teams und E-Mail.' }).expect(303);
    });

    it('serves 200 without Range, 206 for satisfiable ranges and 416 for unsatisfiable ones', async () => {
      const agent = ctx.owner.agent;
      const full = await agent.get(mediaUrl).buffer(true).parse((res, cb) => { const b: Buffer[] = []; res.on('data', (d: Buffer) => b.push(d)); res.on('end', () => cb(null, Buffer.concat(b))); }).expect(200);
      expect(full.headers['content-type']).to.equal('video/webm');
      expect(full.headers['accept-ranges']).to.equal('bytes');
      expect(Number(full.headers['content-length'])).to.equal(size);
      expect((full.body as Buffer).length).to.equal(size);
      const first = await agent.get(mediaUrl).set('Range', 'bytes=0-99').expect(206);
      expect(first.headers['content-range']).to.equal(`bytes 0-99/${size}`);
      expect(first.headers['content-length']).to.equal('100');
      const open = await agent.get(mediaUrl).set('Range', `bytes=${size - 10}-`).expect(206);
      expect(open.headers['content-range']).to.equal(`bytes ${size - 10}-${size - 1}/${size}`);
      const suffix = await agent.get(mediaUrl).set('Range', 'bytes=-5').expect(206);
      expect(suffix.headers['content-range']).to.equal(`bytes ${size - 5}-${size - 1}/${size}`);
      const clamped = await agent.get(mediaUrl).set('Range', `bytes=${size - 2}-${size + 1000}`).expect(206);
      expect(clamped.headers['content-range']).to.equal(`bytes ${size - 2}-${size - 1}/${size}`);
      const beyond = await agent.get(mediaUrl).set('Range', `bytes=${size}-`).expect(416);
      expect(beyond.headers['content-range']).to.equal(`bytes */${size}`);
      await agent.get(mediaUrl).set('Range', 'bytes=-0').expect(416);
      // Not a byte range we serve (other unit, several ranges, garbage): the whole file.
      await agent.get(mediaUrl).set('Range', 'bytes=0-1,5-6').expect(200);
      await agent.get(mediaUrl).set('Range', 'items=0-1').expect(200);
      await agent.get(mediaUrl).set('Range', 'bytes=9-3').expect(200);
      const head = await agent.head(mediaUrl).expect(200);
      expect(Number(head.headers['content-length'])).to.equal(size);
    });

    it('lets stakeholders play back but refuses other leads, strangers and other devices', async () => {
      const stakeholder = await signIn(server as never, 'stakeholder');
      await CampaignModel.updateOne({ _id: ctx.c._id }, { $push: { stakeholderIds: stakeholder.user.id } });
      await new Promise((r) => setTimeout(r, 2100)); // the access cache keeps relations for 2 s
      await stakeholder.agent.get(mediaUrl).set('Range', 'bytes=0-9').expect(206);
      // …but may not read the single answer page or edit the transcript.
      await stakeholder.agent.get(`/lead/campaigns/${String(ctx.c._id)}/responses`).expect(404);
      const otherLead = await signIn(server as never, 'lead');
      const refused = await otherLead.agent.get(mediaUrl).set('Range', 'bytes=0-9').expect(404);
      expect(refused.headers['content-range']).to.equal(undefined);
      const stranger = await request(server).get(mediaUrl).expect(303);
      expect(stranger.headers.location).to.match(/\/login/);
      // The respondent's own URL does not work from another device.
      await request(server).get(`/r/${ctx.c.publicToken}/media/${mediaId}`).expect(404);
      await respondentAgent.get(`/r/${ctx.c.publicToken}/media/${mediaId}`).set('Range', 'bytes=0-9').expect(206);
      // A media id of another campaign is not found under this one.
      const other = await videoCampaign();
      await ctx.owner.agent.get(`/lead/campaigns/${String(other.c._id)}/media/${mediaId}`).expect(404);
    });

    it('shows the player on the lead page; ?t= starts it at a position (data attribute for public JS)', async () => {
      const rid = (await MediaModel.findById(mediaId).lean())!.ownerKey;
      const page = await ctx.owner.agent.get(`/lead/campaigns/${String(ctx.c._id)}/responses/${rid}?t=1.5`).expect(200);
      expect(page.text).to.include(`<video`);
      expect(page.text).to.include(`src="${mediaUrl}"`);
      expect(page.text).to.include('data-start="1.5"');
      expect(page.text).to.include('Wir nutzen Teams und E-Mail.');
    });
  });

  it('a submitted video answer keeps its recording and transcript; the transcript is the analysis text; deleting the response deletes the file', async () => {
    const { c, owner } = await videoCampaign();
    const r = await respondent(c.publicToken);
    const up = await upload(r, c.publicToken, 'q1', fx.webm).expect(201);
    // The answer page declares the saved recording (the submit reads the draft only then).
    const form = await r.get(`/r/${c.publicToken}/answer`).expect(200);
    expect(form.text).to.include(`name="recorded[q1]" value="${String(up.body.media.id)}"`);
    // q1 is required: the recording alone is an answer (the transcript can follow).
    await r
      .post(`/r/${c.publicToken}/submit`)
      .type('form')
      .send({ _csrf: r.csrf, submissionId: 'sub-00000002', 'answers[q2]': 'Alles an einem Ort.', 'recorded[q1]': String(up.body.media.id), 'recorded[q2]': '' })
      .expect(303);
    const media = await MediaModel.findById(up.body.media.id).lean();
    const stored = await ResponseModel.findById(media!.ownerKey).lean();
    const answers = stored!.answers as unknown as Record<string, { mediaId?: string; mode: string; text: string }>;
    expect(answers.q1).to.include({ mediaId: media!._id, mode: 'video', text: '' });
    // The question's answer list shows it (no transcript yet) with a link to the player.
    const list = await owner.agent.get(`/lead/campaigns/${String(c._id)}/questions/q1`).expect(200);
    expect(list.text).to.include('noch ohne Abschrift');
    expect(list.text).to.include(`?t=0&amp;q=q1#answer-q1`);

    // The lead types the transcript; then it is what the analysis reads.
    const rid = String(stored!._id);
    const show = await owner.agent.get(`/lead/campaigns/${String(c._id)}/responses/${rid}`).expect(200);
    await owner.agent
      .post(`/lead/campaigns/${String(c._id)}/responses/${rid}/transcript/q1`)
      .type('form')
      .send({ _csrf: csrfFrom(show.text), text: 'Wir schreiben uns vor allem E-Mails.' })
      .expect(303);
    const row = (await ResponseModel.findById(rid).lean()) as unknown as Parameters<typeof answersOf>[1];
    const engine = answersOf(c.questions, row);
    expect(engine.find((a) => a.id === `${rid}:q1`)?.text).to.equal('Wir schreiben uns vor allem E-Mails.');

    // A WebVTT file: text and cue times; a malformed one is refused with the line number.
    const vtt = 'WEBVTT\n\n00:00.000 --> 00:01.200\nWir schreiben\n\n00:01.200 --> 00:02.000\n<v Anna>vor allem Mails.\n';
    await owner.agent
      .post(`/lead/campaigns/${String(c._id)}/responses/${rid}/transcript/q1`)
      .set('X-CSRF-Token', owner.csrf)
      .attach('subtitles', Buffer.from(vtt), 'answer.vtt')
      .expect(303);
    const withCues = (await ResponseModel.findById(rid).lean())!.answers as unknown as Record<string, { text: string; cues: Array<{ start: number }> }>;
    expect(withCues.q1.text).to.equal('Wir schreiben vor allem Mails.');
    expect(withCues.q1.cues.map((x) => x.start)).to.deep.equal([0, 1.2]);
    const bad = await owner.agent
      .post(`/lead/campaigns/${String(c._id)}/responses/${rid}/transcript/q1`)
      .set('X-CSRF-Token', owner.csrf)
      .set('Accept', 'application/json')
      .attach('subtitles', Buffer.from('WEBVTT\n\n00:00.000 -> 00:01.000\nkaputt\n'), 'bad.vtt')
      .expect(400);
    expect(bad.body.error.message).to.match(/line 3/);
    const page = await owner.agent.get(`/lead/campaigns/${String(c._id)}/responses/${rid}`).expect(200);
    expect(page.text).to.include('?t=1.2');

    const file = path.join(root, media!.storageKey.slice(0, 2), media!.storageKey);
    expect(await filesIn(path.dirname(file))).to.include(path.basename(file));
    await owner.agent.post(`/lead/campaigns/${String(c._id)}/responses/${rid}/delete`).type('form').send({ _csrf: csrfFrom(page.text) }).expect(303);
    expect(await MediaModel.exists({ _id: media!._id })).to.equal(null);
    expect(await filesIn(path.dirname(file))).to.not.include(path.basename(file));
  });

  it('respondents can upload a WebVTT/SRT transcript for their recording', async () => {
    const { c } = await videoCampaign();
    const r = await respondent(c.publicToken);
    await upload(r, c.publicToken, 'q1', fx.webm).expect(201);
    const srt = '1\r\n00:00:00,000 --> 00:00:01,500\r\nHallo <i>Team</i>\r\n\r\n2\r\n00:00:01,500 --> 00:00:02,000\r\nbis morgen\r\n';
    const res = await r
      .post(`/r/${c.publicToken}/transcript/q1`)
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', r.csrf)
      .attach('subtitles', Buffer.from(srt), 'a.srt')
      .expect(200);
    expect(res.body).to.deep.equal({ text: 'Hallo Team bis morgen', cues: 2, format: 'srt' });
    await r.post(`/r/${c.publicToken}/submit`).type('form').send({ _csrf: r.csrf, submissionId: 'sub-00000003', 'answers[q1]': 'Hallo Team bis morgen' }).expect(303);
    const stored = await ResponseModel.findOne({ campaignId: c._id }).lean();
    const q1 = (stored!.answers as unknown as Record<string, { text: string; cues: unknown[] }>).q1;
    expect(q1.text).to.equal('Hallo Team bis morgen');
    expect(q1.cues).to.have.length(2);
  });

  it('anonymous campaigns warn before recording and offer audio-only', async () => {
    const { c } = await videoCampaign({ anonymity: 'anonymous' });
    const r = await respondent(c.publicToken);
    expect(r.page).to.include('data-recorder');
    expect(r.page).to.match(/Dein Gesicht und Deine Stimme/); // the template campaign says Du
    expect(r.page).to.include('name="audioOnly"');
  });

  it('a user who is not signed in and not a respondent gets nothing', async () => {
    const user = await makeUser('lead');
    expect(user.id).to.be.a('string');
    const { c } = await videoCampaign();
    await request(server).post(`/r/${c.publicToken}/media/q1`).attach('file', fx.webm, 'a.webm').expect(403);
  });
});
