import http from 'node:http';
import { expect } from 'chai';
import { freePort } from '../../src/db/embedded/process.js';
import { ANSWERS, Respondent, Scratch, alive, embeddedDb, health, refusesConnections, seedCampaign, startApp, waitFor, type AppProcess } from './helpers.js';

/** Starts a POST whose body arrives in two parts; `finish()` sends the rest and resolves with the answer. */
function slowPost(url: string, path: string, headers: Record<string, string>, body: string) {
  const u = new URL(url);
  const half = Math.floor(body.length / 2);
  let res!: (v: { status: number; body: string }) => void;
  let rej!: (e: Error) => void;
  const answer = new Promise<{ status: number; body: string }>((a, b) => {
    res = a;
    rej = b;
  });
  const req = http.request({ host: u.hostname, port: u.port, method: 'POST', path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false }, (r) => {
    let text = '';
    r.setEncoding('utf8');
    r.on('data', (c: string) => (text += c));
    r.on('end', () => res({ status: r.statusCode ?? 0, body: text }));
    r.on('error', rej);
  });
  req.on('error', rej);
  req.write(body.slice(0, half));
  return { answer, finish: () => req.end(body.slice(half)), abort: () => req.destroy() };
}

/**
 * Resolves once the app has read the headers of `method path` (its "request received" line at
 * LOG_LEVEL=debug, src/server.ts): from then on the request is in flight, and a SIGTERM must let
 * it finish. Before that moment a SIGTERM would find no request to wait for.
 */
async function received(app: AppProcess, method: string, path: string): Promise<void> {
  const seen = () =>
    app
      .log()
      .split('\n')
      .some((line) => {
        if (!line.includes('"request received"')) return false;
        const entry = JSON.parse(line) as { method?: string; path?: string };
        return entry.method === method && entry.path === path;
      });
  await waitFor(seen, 10_000, `the app to receive ${method} ${path}`, () => app.log().slice(-1500));
}

describe('fault: start and stop', function () {
  const scratch = new Scratch();
  after(() => scratch.cleanup());

  it('database down at start: one clear error and a non-zero exit, quickly', async () => {
    const deadPort = await freePort();
    const t0 = Date.now();
    const app = await startApp(scratch, { MONGODB_URI: `mongodb://wv:s3cret@127.0.0.1:${deadPort}/wv` }, { waitHealthy: false });
    const code = await app.exited;
    const ms = Date.now() - t0;
    const out = app.log();
    expect(code, out).to.equal(1);
    expect(out.match(/Workplace Voice could not start:/g), out).to.have.length(1);
    expect(out).to.contain(`The database at MONGODB_URI=mongodb://127.0.0.1:${deadPort}/wv did not answer (connect ECONNREFUSED 127.0.0.1:${deadPort}). Start it, or fix MONGODB_URI`);
    expect(out).to.not.contain('s3cret');
    expect(out).to.not.match(/^\s+at /m); // no stack trace for a person to read
    expect(ms, 'time to exit').to.be.below(20_000);
  });

  it('SIGTERM with the embedded database: stops accepting, finishes the request in flight, exits 0, and the database process is gone', async () => {
    const dataDir = await scratch.dir('wv-fault-data-');
    const app = await startApp(scratch, { DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: '10000', LOG_LEVEL: 'debug' });
    const db = embeddedDb(app);
    const c = await seedCampaign(db.uri);
    const r = new Respondent(app.url, c.publicToken);
    await r.begin();
    // An autosave whose body is still arriving when SIGTERM comes.
    const inflight = slowPost(
      app.url,
      `/r/${c.publicToken}/autosave`,
      { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': r.csrf, cookie: r.cookieHeader() },
      JSON.stringify({ answers: { q1: ANSWERS.q1 } }),
    );
    await received(app, 'POST', `/r/${c.publicToken}/autosave`);
    app.child.kill('SIGTERM');
    // Stops accepting: a new connection is refused.
    await waitFor(() => refusesConnections(app.port), 3000, 'new connections refused');
    expect(alive(db.pid), 'database still up while the request finishes').to.equal(true);
    inflight.finish();
    const done = await inflight.answer;
    expect(done.status, done.body).to.equal(200);
    expect(JSON.parse(done.body)).to.have.property('savedAt');
    const code = await app.exited;
    expect(code, app.log().slice(-1500)).to.equal(0);
    await waitFor(() => !alive(db.pid), 5000, 'embedded database process gone');
    expect(app.log()).to.contain('"msg":"stopped"');
  });

  it('SIGTERM with a request that never finishes: the deadline cuts it, the app still exits 0 and stops its database', async () => {
    const dataDir = await scratch.dir('wv-fault-data-');
    const app = await startApp(scratch, { DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: '1500', LOG_LEVEL: 'debug' });
    const db = embeddedDb(app);
    const stuck = slowPost(app.url, '/login', { 'content-type': 'application/x-www-form-urlencoded' }, 'email=a%40example.org&password=xxxxxxxxxxxxxx');
    stuck.answer.catch(() => undefined);
    await received(app, 'POST', '/login');
    const t0 = Date.now();
    app.child.kill('SIGTERM');
    const code = await app.exited;
    const ms = Date.now() - t0;
    expect(code).to.equal(0);
    expect(ms, 'exit after the deadline').to.be.within(1000, 8000);
    expect(app.log()).to.contain('in-flight requests did not finish in time');
    await waitFor(() => !alive(db.pid), 5000, 'embedded database process gone');
    stuck.abort();
  });

  it('SIGKILL of the app: no orphaned database process; the next start finds the data again', async () => {
    const dataDir = await scratch.dir('wv-fault-data-');
    const app = await startApp(scratch, { DATA_DIR: dataDir });
    const db = embeddedDb(app);
    const c = await seedCampaign(db.uri);
    app.child.kill('SIGKILL');
    await app.exited;
    await waitFor(() => !alive(db.pid), 5000, `embedded database (pid ${db.pid}) gone after the app was killed`);
    const again = await startApp(scratch, { DATA_DIR: dataDir });
    const page = await new Respondent(again.url, c.publicToken).request('GET', `/r/${c.publicToken}`);
    expect(page.status).to.equal(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).to.equal(0);
  });
});
