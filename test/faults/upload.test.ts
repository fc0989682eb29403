import { execFile } from 'node:child_process';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { filesIn, multipartBody } from '../helpers/media.js';
import { Respondent, Scratch, embeddedDb, health, refusesConnections, seedCampaign, sleep, startApp, waitFor, withDb, type AppProcess } from './helpers.js';

const run = promisify(execFile);

/**
 * Sends a multipart upload at `bytesPerSecond` (a phone on a slow uplink) and resolves with the
 * answer, or with the socket error when the server cut the connection.
 */
function throttledUpload(app: AppProcess, r: Respondent, urlPath: string, file: Buffer, key: string, bytesPerSecond: number) {
  const { body, contentType } = multipartBody(file, { filename: 'antwort.mp4', type: 'video/mp4' });
  let sent = 0;
  const done = new Promise<{ status: number; body: string } | { error: string }>((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: app.port,
        method: 'POST',
        path: urlPath,
        agent: false,
        headers: {
          'content-type': contentType,
          'content-length': String(body.length),
          accept: 'application/json',
          'x-csrf-token': r.csrf,
          'idempotency-key': key,
          cookie: r.cookieHeader(),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', (e) => resolve({ error: e.message }));
      },
    );
    // A server that answers early and closes makes our next write fail (EPIPE): give its answer
    // a moment to arrive before reporting the socket error.
    req.on('error', (e) => setTimeout(() => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }), 1000));
    const chunk = 256 * 1024;
    const pause = (chunk / bytesPerSecond) * 1000;
    const pump = () => {
      if (req.destroyed) return;
      if (sent >= body.length) return void req.end();
      const part = body.subarray(sent, sent + chunk);
      sent += part.length;
      req.write(part);
      setTimeout(pump, pause);
    };
    pump();
  });
  return { done, sent: () => sent, total: body.length };
}

/**
 * SIGTERM while a respondent's 50 MB video answer is still arriving (video answers: src/media,
 * file-system store under DATA_DIR/media on the embedded FerretDB). Either the upload finishes
 * within the shutdown deadline and is stored whole, or the client gets a retryable failure — and
 * no partial file is ever left behind.
 */
describe('fault: SIGTERM during a 50 MB video upload', function () {
  const scratch = new Scratch();
  let video: Buffer;
  before(async () => {
    const dir = await scratch.dir('wv-fault-video-');
    const file = path.join(dir, 'answer.mp4');
    // ~54 MB, 8 s: noisy frames at the highest mpeg4 quality (fast to encode, big on disk).
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=640x480:r=25,noise=alls=100:allf=t', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '8', '-c:v', 'mpeg4', '-q:v', '1', '-pix_fmt', 'yuv420p', '-c:a', 'aac', file]);
    video = await readFile(file);
    expect(video.length).to.be.above(50 * 1024 * 1024);
  });
  after(() => scratch.cleanup());

  async function setup(env: Record<string, string>) {
    const dataDir = await scratch.dir('wv-fault-data-');
    const app = await startApp(scratch, { DATA_DIR: dataDir, ...env });
    const db = embeddedDb(app);
    const c = await seedCampaign(db.uri, { video: true });
    const r = new Respondent(app.url, c.publicToken);
    await r.begin();
    return { app, db, c, r, dataDir, mediaDir: path.join(dataDir, 'media') };
  }

  it('within the deadline: the upload in flight finishes and is stored whole; no partial file', async () => {
    const { app, c, r, mediaDir, dataDir } = await setup({ SHUTDOWN_TIMEOUT_MS: '20000' });
    // ~10 MB/s: about 5 s on the wire.
    const up = throttledUpload(app, r, `/r/${c.publicToken}/media/q1`, video, 'fault-upload-0001', 10 * 1024 * 1024);
    await waitFor(() => up.sent() > 8 * 1024 * 1024, 10_000, '8 MB sent');
    app.child.kill('SIGTERM');
    await waitFor(() => refusesConnections(app.port), 3000, 'new connections refused');
    const res = await up.done;
    expect(res, JSON.stringify(res)).to.have.property('status', 201);
    expect(await app.exited).to.equal(0);
    const files = await filesIn(mediaDir);
    expect(files.filter((f) => f.endsWith('.part')), files.join(', ')).to.have.length(0);
    expect(files).to.have.length(1);
    // The stored recording is the whole one (remuxed without metadata: about the same size).
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(path.join(mediaDir, files[0])));
    expect(size).to.be.above(video.length * 0.95);
    void dataDir;
  });

  it('past the deadline: the client gets a retryable failure, no partial file remains, and the retry after a restart stores it once', async () => {
    const { app, c, r, mediaDir, dataDir } = await setup({ SHUTDOWN_TIMEOUT_MS: '1500' });
    // ~4 MB/s: about 13 s on the wire, far longer than the 1.5 s deadline.
    const up = throttledUpload(app, r, `/r/${c.publicToken}/media/q1`, video, 'fault-upload-0002', 4 * 1024 * 1024);
    await waitFor(() => up.sent() > 6 * 1024 * 1024, 10_000, '6 MB sent');
    app.child.kill('SIGTERM');
    const res = await up.done;
    // Cut by the deadline: a socket error (or a 503 if the server still answered) — both mean "retry".
    if ('status' in res) expect(res.status, res.body).to.equal(503);
    else expect(res.error).to.match(/ECONNRESET|EPIPE|socket hang up/);
    expect(await app.exited).to.equal(0);
    expect(up.sent()).to.be.below(up.total);
    const left = await filesIn(mediaDir);
    expect(left, `left after shutdown: ${left.join(', ')}`).to.have.length(0);

    // The recorder retries with the same Idempotency-Key once the app is back.
    const again = await startApp(scratch, { DATA_DIR: dataDir });
    const r2 = Object.assign(Object.create(Object.getPrototypeOf(r)) as Respondent, r, { baseUrl: again.url });
    const retry = await throttledUpload(again, r2, `/r/${c.publicToken}/media/q1`, video, 'fault-upload-0002', 200 * 1024 * 1024).done;
    expect(retry, JSON.stringify(retry).slice(0, 300)).to.have.property('status', 201);
    const files = await filesIn(mediaDir);
    expect(files.filter((f) => f.endsWith('.part'))).to.have.length(0);
    expect(files).to.have.length(1);
    const db = embeddedDb(again);
    const { MediaModel } = await import('../../src/media/media.model.js');
    const docs = await withDb(db.uri, () => MediaModel.find({}, { _id: 1, size: 1 }).lean());
    expect(docs).to.have.length(1);
    again.child.kill('SIGTERM');
    expect(await again.exited).to.equal(0);
    await sleep(0);
  });
});
