/**
 * Child process for bench/submit-throughput.ts, so the load generator never shares the server's
 * event loop. `argv[2]`: `app` (the real createApp) or `bare` (express.json() + one mongoose
 * model inserting the same document shape). Env: BENCH_MONGODB_URI, BENCH_LOG_LEVEL.
 * Listens on 127.0.0.1:0 and reports `{ port }` over IPC; a `stop` message or SIGTERM ends it.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import mongoose, { Schema } from 'mongoose';

const kind = process.argv[2];
const uri = process.env.BENCH_MONGODB_URI;
if (!uri || (kind !== 'app' && kind !== 'bare')) {
  process.stderr.write('usage: submit-target.ts app|bare (BENCH_MONGODB_URI required)\n');
  process.exit(2);
}

async function appServer(): Promise<express.Express> {
  const { connectDb } = await import('../../src/db/connection.js');
  const { createApp } = await import('../../src/app.js');
  const { createLogger } = await import('../../src/shared/logger.js');
  await connectDb(uri!);
  // Build the dependencies the way src/server.ts does; the session middleware exists only once
  // accounts are in (loaded by a computed path so this file compiles with and without it).
  const deps: Record<string, unknown> = { logger: createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn') };
  type SessionModule = { sessionMiddleware(opts: { secret: string; idleMinutes: number; secureCookies: boolean }): unknown };
  const session = (await import('../../src/auth/session.js' as string).catch(() => null)) as SessionModule | null;
  if (session) deps.session = session.sessionMiddleware({ secret: randomBytes(32).toString('hex'), idleMinutes: 60, secureCookies: false });
  return createApp(deps as unknown as Parameters<typeof createApp>[0]);
}

/** The baseline: no validation, no campaign lookup, no logging — one insert per request. */
async function bareServer(): Promise<express.Express> {
  const answerSchema = new Schema(
    { text: { type: String, default: '' }, mode: { type: String, enum: ['text', 'video'], default: 'text' }, updatedAt: Date },
    { _id: false },
  );
  // Same fields and the same indexes as src/responses/response.model.ts, so the database does
  // the same work per document; only the HTTP/app layer differs.
  const schema = new Schema(
    {
      campaignId: { type: Schema.Types.ObjectId, required: true, index: true },
      key: { type: String, required: true, unique: true },
      status: { type: String, enum: ['draft', 'submitted'], default: 'draft' },
      lang: { type: String, enum: ['de', 'en'], required: true },
      consent: { version: { type: String, required: true }, at: { type: Date, required: true } },
      segments: { type: Map, of: String, default: {} },
      answers: { type: Map, of: answerSchema, default: {} },
      submissionId: String,
      submittedAt: Date,
      source: { type: String, enum: ['web', 'api'], default: 'web' },
    },
    { timestamps: true },
  );
  schema.index({ campaignId: 1, status: 1, submittedAt: -1 });
  const Bare = mongoose.model('Response', schema);
  await mongoose.connect(uri!, { retryWrites: false, serverSelectionTimeoutMS: 3000 });
  await Bare.init();

  const app = express();
  app.use(express.json());
  app.post('/api/v1/campaigns/:id/responses', async (req, res) => {
    const body = req.body as { submissionId: string; lang: 'de' | 'en'; answers: Record<string, string>; segments: Record<string, string> };
    const now = new Date();
    const answers = Object.fromEntries(Object.entries(body.answers).map(([k, text]) => [k, { text, mode: 'text', updatedAt: now }]));
    const doc = await Bare.create({
      campaignId: req.params.id,
      key: `s:${req.params.id}:${body.submissionId}`,
      status: 'submitted',
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
  return app;
}

const app = kind === 'app' ? await appServer() : await bareServer();
const server: Server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0 });
});

async function stop(): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await mongoose.disconnect();
  process.exit(0);
}
process.on('message', (m) => {
  if (m === 'stop') void stop();
});
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());
