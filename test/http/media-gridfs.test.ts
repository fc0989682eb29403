import { expect } from 'chai';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import mongoose from 'mongoose';
import request from 'supertest';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { GridFsMediaStore } from '../../src/media/media-store.js';
import { MediaModel } from '../../src/media/media.model.js';
import { createTranscriber } from '../../src/media/transcriber.js';
import { DraftModel, ResponseModel } from '../../src/responses/response.model.js';
import { createLogger } from '../../src/shared/logger.js';
import { csrfFrom, testApp } from '../helpers/app.js';
import { openTemplateCampaign } from '../helpers/fixtures.js';
import { abortedUpload, hasFfmpeg, makeMediaFixtures, multipartBody, type MediaFixtures } from '../helpers/media.js';
import { useTestDb } from '../helpers/test-db.js';
import { requireTool } from '../helpers/tools.js';

/**
 * The same upload/playback path on GridFS (the store for MongoDB; here on FerretDB 1.24.2, where
 * it works functionally), and automatic transcription against a fake OpenAI-compatible server.
 */
describe('video answers on GridFS, and automatic transcription', function () {
  this.timeout(30_000);
  useTestDb('media_gridfs');
  let fx: MediaFixtures;
  let server: Server;
  let port: number;
  let fake: Server;
  let fakeUrl: string;
  const seen: Array<{ contentType: string; bytes: number; model: boolean; hasFile: boolean }> = [];
  let failNext = false;

  before(async function () {
    if (!(await hasFfmpeg())) requireTool(this, 'ffmpeg');
    fx = await makeMediaFixtures();
    // A small stand-in for a Whisper server: checks the multipart request, answers verbose_json.
    fake = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('latin1');
        seen.push({ contentType: String(req.headers['content-type']), bytes: body.length, model: text.includes('name="model"\r\n\r\nwhisper-test'), hasFile: /name="file"; filename="m_[^"]+\.webm"/.test(text) });
        if (req.url !== '/v1/audio/transcriptions' || failNext) {
          failNext = false;
          res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"model not loaded"}');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(
          JSON.stringify({ text: ' Wir telefonieren viel. Und nutzen Teams. ', segments: [{ start: 0, end: 1.1, text: ' Wir telefonieren viel.' }, { start: 1.1, end: 2, text: ' Und nutzen Teams.' }] }),
        );
      });
    });
    fake.listen(0, '127.0.0.1');
    await new Promise((r) => fake.once('listening', r));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1/audio/transcriptions`;
    const app = testApp({
      media: {
        store: new GridFsMediaStore(),
        maxBytes: 2 * 1024 * 1024,
        maxSeconds: 600,
        logger: createLogger('silent'),
        transcriber: createTranscriber({ url: fakeUrl, model: 'whisper-test', timeoutMs: 10_000 }),
      },
    });
    server = app.app().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await new Promise((r) => (fake ? fake.close(r) : r(undefined)));
    if (fx) await rm(fx.dir, { recursive: true, force: true });
  });

  const chunks = () => mongoose.connection.db!.collection('media.chunks').countDocuments({});
  const files = () => mongoose.connection.db!.collection('media.files').countDocuments({});

  async function respondent() {
    const questions = interviewTemplate().questions.map((q) => ({ ...q, required: false }));
    const c = await openTemplateCampaign({ questions });
    const agent = request.agent(server);
    const welcome = await agent.get(`/r/${c.publicToken}`).expect(200);
    await agent.post(`/r/${c.publicToken}/start`).type('form').send({ lang: 'de', consent: 'yes', _csrf: csrfFrom(welcome.text) }).expect(303);
    const page = await agent.get(`/r/${c.publicToken}/answer`).expect(200);
    const cookie = [welcome, page].flatMap((r) => (r.headers['set-cookie'] as unknown as string[] | undefined) ?? []).map((x) => x.split(';')[0]).join('; ');
    return { c, agent, csrf: csrfFrom(page.text), cookie };
  }

  async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('stores in GridFS, serves ranges byte-exactly, transcribes in the background, and the transcript becomes the answer', async () => {
    const { c, agent, csrf } = await respondent();
    const up = await agent
      .post(`/r/${c.publicToken}/media/q1`)
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', csrf)
      .set('Idempotency-Key', 'gridfs-key-0001')
      .attach('file', fx.webm, { filename: 'clip.webm', contentType: 'video/webm' })
      .expect(201);
    expect(up.body.media.transcription.status).to.equal('pending');
    const media = (await MediaModel.findById(up.body.media.id).lean())!;
    expect(media.store).to.equal('gridfs');
    expect(media.metadataStripped).to.equal(true);
    const size = media.size;

    // The status the recorder polls; then the draft's empty answer got the transcript.
    const done = await waitFor(async () => {
      const s = await agent.get(`/r/${c.publicToken}/media/${media._id}/status`).expect(200);
      return s.body.media.transcription.status === 'done' ? s.body.media : null;
    });
    expect(done.transcription.text).to.equal('Wir telefonieren viel. Und nutzen Teams.');
    const last = seen[seen.length - 1];
    expect(last.contentType).to.match(/^multipart\/form-data; boundary=/);
    expect(last.model && last.hasFile).to.equal(true);
    expect(last.bytes).to.be.greaterThan(size);
    const draft = (await DraftModel.findById(media.ownerKey).lean())!;
    expect((draft.answers as unknown as Record<string, { text: string }>).q1.text).to.equal('Wir telefonieren viel. Und nutzen Teams.');

    // Own playback: whole file and a range from the middle, byte-exact against the full download.
    const whole = await agent.get(`/r/${c.publicToken}/media/${media._id}`).buffer(true).parse(binary as never).expect(200);
    expect((whole.body as Buffer).length).to.equal(size);
    const mid = Math.floor(size / 2);
    const part = await agent.get(`/r/${c.publicToken}/media/${media._id}`).set('Range', `bytes=${mid}-${mid + 999}`).buffer(true).parse(binary as never).expect(206);
    expect((part.body as Buffer).equals((whole.body as Buffer).subarray(mid, mid + 1000))).to.equal(true);
    await agent.get(`/r/${c.publicToken}/media/${media._id}`).set('Range', `bytes=${size}-`).expect(416);

    // Submit with the transcript field left empty: the response takes the automatic transcript and its cues.
    await agent.post(`/r/${c.publicToken}/submit`).type('form').send({ _csrf: csrf, submissionId: 'sub-gridfs-01', 'answers[q1]': '' }).expect(303);
    const stored = (await ResponseModel.findById(media.ownerKey).lean())!;
    const q1 = (stored.answers as unknown as Record<string, { text: string; cues: Array<{ start: number }>; mediaId: string }>).q1;
    expect(q1.mediaId).to.equal(media._id);
    expect(q1.cues.map((x) => x.start)).to.deep.equal([0, 1.1]);
  });

  it('a failing transcription service marks the recording "failed" and leaves the answer for the respondent to type', async () => {
    const { c, agent, csrf } = await respondent();
    failNext = true;
    const up = await agent.post(`/r/${c.publicToken}/media/q2`).set('Accept', 'application/json').set('X-CSRF-Token', csrf).attach('file', fx.webm, 'a.webm').expect(201);
    const m = await waitFor(async () => {
      const doc = await MediaModel.findById(up.body.media.id).lean();
      return doc?.transcription?.status === 'failed' ? doc : null;
    });
    expect(m.transcription!.error).to.match(/500/);
    const draft = (await DraftModel.findById(m.ownerKey).lean())!;
    expect((draft.answers as unknown as Record<string, { text?: string }>).q2.text ?? '').to.equal('');
  });

  it('wrong types, oversized and aborted uploads leave no GridFS files or chunks', async () => {
    const { c, agent, csrf, cookie } = await respondent();
    const before = { chunks: await chunks(), files: await files(), docs: await MediaModel.countDocuments({}) };
    await agent.post(`/r/${c.publicToken}/media/q1`).set('Accept', 'application/json').set('X-CSRF-Token', csrf).attach('file', Buffer.alloc(9000, 0x41), 'a.webm').expect(415);
    const big = Buffer.concat([fx.webm, Buffer.alloc(2 * 1024 * 1024, 1)]);
    await agent.post(`/r/${c.publicToken}/media/q1`).set('Accept', 'application/json').set('X-CSRF-Token', csrf).attach('file', big, 'a.webm').expect(413);
    const { body, contentType } = multipartBody(Buffer.concat([fx.webm, Buffer.alloc(1_500_000, 3)]));
    let midway = 0;
    await abortedUpload(port, `/r/${c.publicToken}/media/q1`, { 'X-CSRF-Token': csrf, 'Content-Type': contentType, Cookie: cookie, Accept: 'application/json' }, body, 900_000, async () => {
      // Wait (on a busy machine) until the server has streamed some of it into GridFS.
      midway = await waitFor(async () => {
        const n = await chunks();
        return n > before.chunks ? n : 0;
      }).catch(() => 0);
    });
    expect(midway).to.be.greaterThan(before.chunks); // it was streaming into GridFS…
    await new Promise((r) => setTimeout(r, 700));
    expect(await chunks()).to.equal(before.chunks); // …and nothing is left
    expect(await files()).to.equal(before.files);
    expect(await MediaModel.countDocuments({})).to.equal(before.docs);
  });
});

function binary(res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void): void {
  const parts: Buffer[] = [];
  res.on('data', (d: Buffer) => parts.push(d));
  res.on('end', () => cb(null, Buffer.concat(parts)));
}
