/**
 * Child process for bench/submit-throughput.ts, so the load generator never shares the server's
 * event loop. `argv[2]`:
 *  - `app`: the real `createApp`, built like src/server.ts does it, from `loadConfig()` with the
 *    production defaults (NODE_ENV=production, LOG_LEVEL from BENCH_LOG_LEVEL, default `warn`):
 *    helmet, CSRF, sessions, the auth guard, the login limit and the respondent slow-down all on,
 *    at their default settings. Before listening it creates a lead, an API token of that lead and
 *    an open campaign from the interview template owned by the lead, through the app's services.
 *  - `bare`: express + `express.json()` + the app's `Response` mongoose model (so the document,
 *    the collection `responses`, its string `_id` and its indexes are exactly the app's), one
 *    `create()` per request — the baseline.
 * Env: BENCH_MONGODB_URI, BENCH_LOG_LEVEL. Listens on 127.0.0.1:0 and reports
 * `{ port, apiToken?, campaignId?, publicToken? }` over IPC. Messages: `ops` → replies with the
 * database operations counted since the last `ops` (mongoose debug hook, per collection.method);
 * `stop` (or SIGTERM, or the parent going away) ends it.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import type { Server } from 'node:http';
import express from 'express';
import mongoose from 'mongoose';

const kind = process.argv[2];
const uri = process.env.BENCH_MONGODB_URI;
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
if (!uri || (kind !== 'app' && kind !== 'bare')) {
  process.stderr.write('usage: submit-target.ts app|bare (BENCH_MONGODB_URI required)\n');
  process.exit(2);
}

// Counts every database operation mongoose sends (its debug hook sees collection-level calls:
// find/findOne, insertOne, updateOne, deleteOne, …), so the bench can report round trips per request.
let ops: Record<string, number> = {};
mongoose.set('debug', (collection: string, method: string) => {
  const key = `${collection}.${method}`;
  ops[key] = (ops[key] ?? 0) + 1;
});

interface Ready {
  port: number;
  apiToken?: string;
  campaignId?: string;
  publicToken?: string;
  config?: Record<string, unknown>;
}

async function appServer(): Promise<{ app: express.Express; info: Omit<Ready, 'port'> }> {
  const { loadConfig } = await import('../../src/config.js');
  const { connectDb } = await import('../../src/db/connection.js');
  const { createApp } = await import('../../src/app.js');
  const { createLogger } = await import('../../src/shared/logger.js');
  const { sessionMiddleware } = await import('../../src/auth/session.js');
  const { createUser, createApiToken } = await import('../../src/auth/auth.service.js');
  const { createCampaign, changeStatus } = await import('../../src/campaigns/campaign.service.js');
  const { interviewTemplate } = await import('../../src/campaigns/interview-template.js');

  // The defaults of a production start: only NODE_ENV and LOG_LEVEL are set.
  // BENCH_RESPONDENT_RATE / BENCH_RESPONDENT_DEVICE_RATE: other respondent budgets, e.g. the old
  // per-address-only setting (600 and effectively no device budget) to compare in the same run.
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: logLevel,
    DATA_DIR: '/nonexistent-unused',
    ...(process.env.BENCH_RESPONDENT_RATE ? { RESPONDENT_RATE_PER_MINUTE: process.env.BENCH_RESPONDENT_RATE } : {}),
    ...(process.env.BENCH_RESPONDENT_DEVICE_RATE ? { RESPONDENT_DEVICE_RATE_PER_MINUTE: process.env.BENCH_RESPONDENT_DEVICE_RATE } : {}),
  });
  await connectDb(uri!);
  const logger = createLogger(config.logLevel);
  // SESSION_SECRET unset → server.ts keeps a random one in DATA_DIR; a fresh random one here.
  const secret = randomBytes(32).toString('base64url');
  const session = sessionMiddleware({ secret, idleMinutes: config.sessionIdleMinutes, secureCookies: config.secureCookies });
  const { publicBaseUrl, secureCookies, trustProxy, loginRateLimit, respondentRatePerMinute, respondentDeviceRatePerMinute } = config;
  const app = createApp({ logger, publicBaseUrl, session, secret, secureCookies, trustProxy, loginRateLimit, respondentRatePerMinute, respondentDeviceRatePerMinute });

  const lead = await createUser({ email: `bench-lead-${randomBytes(4).toString('hex')}@example.org`, name: 'Bench Lead', role: 'lead', password: randomBytes(18).toString('base64url') });
  const { token } = await createApiToken(lead.id, 'bench');
  const draft = await createCampaign(interviewTemplate(), { ownerId: lead.id });
  const campaign = await changeStatus(String(draft._id), 'open');
  return {
    app,
    info: {
      apiToken: token,
      campaignId: String(campaign._id),
      publicToken: campaign.publicToken,
      config: { logLevel: config.logLevel, secureCookies, trustProxy, loginRateLimit, respondentRatePerMinute, sessionIdleMinutes: config.sessionIdleMinutes },
    },
  };
}

/** The baseline: no validation, no campaign lookup, no auth, no logging — one insert per request. */
async function bareServer(): Promise<{ app: express.Express; info: Omit<Ready, 'port'> }> {
  // The app's model: same schema, collection `responses`, string `_id`, `{campaignId: 1}` and
  // `{campaignId: 1, submittedAt: -1}` indexes. Only the HTTP/app layer around it differs.
  const { ResponseModel } = await import('../../src/responses/response.model.js');
  await mongoose.connect(uri!, { retryWrites: false, serverSelectionTimeoutMS: 3000 });
  await ResponseModel.init();

  const app = express();
  app.use(express.json());
  app.post('/api/v1/campaigns/:id/responses', async (req, res) => {
    const body = req.body as { submissionId: string; lang: 'de' | 'en'; answers: Record<string, string>; segments: Record<string, string> };
    const now = new Date();
    const answers = Object.fromEntries(Object.entries(body.answers).map(([k, text]) => [k, { text, mode: 'text', updatedAt: now }]));
    const doc = await ResponseModel.create({
      _id: `s_${req.params.id}_${body.submissionId}`,
      campaignId: req.params.id,
      lang: body.lang,
      consent: { version: '2026-11-27', at: now },
      answers,
      segments: body.segments,
      submissionId: body.submissionId,
      submittedAt: now,
      source: 'api',
    });
    res.status(201).json(doc);
  });
  return { app, info: {} };
}

const { app, info } = kind === 'app' ? await appServer() : await bareServer();
ops = {};
const server: Server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0, ...info } satisfies Ready);
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await mongoose.disconnect();
  process.exit(0);
}
// --cpu-prof of the bench: profile exactly the measured window. The bench asks for the operation
// counts when a measurement starts and when it ends; each ask ends the running profile (written to
// BENCH_CPU_PROFILE_DIR) and starts the next, so `measured-1` is the first measured phase, without the
// start-up and the devices' preparation that a whole-process --cpu-prof would mix in.
const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
const profiler = profileDir ? new inspector.Session() : null;
let profileWindow = 0;
async function nextProfileWindow(): Promise<void> {
  if (!profiler || !profileDir) return;
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) => profiler.post(method, (err, result) => (err ? reject(err) : resolve(result))));
  if (profileWindow > 0) {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(path.join(profileDir, `${kind}-${process.pid}-measured-${profileWindow}.cpuprofile`), JSON.stringify(profile));
  } else {
    profiler.connect();
    await post('Profiler.enable');
  }
  profileWindow++;
  await post('Profiler.start');
}

process.on('message', (m) => {
  if (m === 'ops') {
    void nextProfileWindow().then(() => {
      process.send?.({ ops });
      ops = {};
    });
  } else if (m === 'stop') void stop();
});
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());
