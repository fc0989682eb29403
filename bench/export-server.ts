/**
 * Child process for bench/export-csv.ts, so the server's RSS is its own. `argv[2]`:
 *  - `app`: the real `createApp` with production defaults (helmet, sessions, CSRF, the guard,
 *    LOG_LEVEL=warn); the parent calls GET /lead/campaigns/:id/exports/answers.csv with an API
 *    token (Bearer), exactly as a script of a lead would.
 *  - `bare`: the baseline, a raw cursor-to-CSV dump: express, the app's Response model, one
 *    mongoose cursor over the campaign's responses, one CSV line per answer (the same text cells,
 *    quoted), written to the response with backpressure — no auth, no analysis join, no
 *    anonymity, no formula protection, no json2csv.
 * Env: BENCH_MONGODB_URI. Listens on 127.0.0.1:0 and reports `{ port }` over IPC; `stop`,
 * SIGTERM or the parent going away end it.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import mongoose from 'mongoose';

const kind = process.argv[2];
const uri = process.env.BENCH_MONGODB_URI;
if (!uri || (kind !== 'app' && kind !== 'bare')) {
  process.stderr.write('usage: export-server.ts app|bare (BENCH_MONGODB_URI required)\n');
  process.exit(2);
}

async function appServer(): Promise<express.Express> {
  const { loadConfig } = await import('../src/config.js');
  const { connectDb } = await import('../src/db/connection.js');
  const { createApp } = await import('../src/app.js');
  const { createLogger } = await import('../src/shared/logger.js');
  const { sessionMiddleware } = await import('../src/auth/session.js');
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'warn', DATA_DIR: '/nonexistent-unused' });
  await connectDb(uri!);
  const secret = randomBytes(32).toString('base64url');
  const session = sessionMiddleware({ secret, idleMinutes: config.sessionIdleMinutes, secureCookies: config.secureCookies });
  return createApp({ logger: createLogger(config.logLevel), session, secret, secureCookies: config.secureCookies, trustProxy: config.trustProxy });
}

const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

async function bareServer(): Promise<express.Express> {
  const { ResponseModel } = await import('../src/responses/response.model.js');
  await mongoose.connect(uri!, { retryWrites: false, serverSelectionTimeoutMS: 3000 });
  const app = express();
  app.get('/dump/:campaignId', async (req, res) => {
    res.status(200).type('text/csv; charset=utf-8');
    res.write('respondent,question,lang,department,location,text\n');
    const cursor = ResponseModel.find({ campaignId: new mongoose.Types.ObjectId(req.params.campaignId) }, { lang: 1, segments: 1, answers: 1 })
      .lean<{ _id: string; lang: string; segments?: Record<string, string>; answers?: Record<string, { text?: string }> }>()
      .cursor({ batchSize: 500 });
    let buf = '';
    for await (const r of cursor) {
      for (const [key, a] of Object.entries(r.answers ?? {})) {
        buf += `${q(r._id)},${q(key)},${q(r.lang)},${q(r.segments?.department ?? '')},${q(r.segments?.location ?? '')},${q(a?.text ?? '')}\n`;
      }
      if (buf.length >= 64 * 1024) {
        if (!res.write(buf)) await new Promise((resolve) => res.once('drain', resolve));
        buf = '';
      }
    }
    res.end(buf);
  });
  return app;
}

const app = kind === 'app' ? await appServer() : await bareServer();
const server: Server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0 });
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
process.on('message', (m) => {
  if (m === 'stop') void stop();
  if (m === 'gc') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ gcDone: true });
  }
});
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());
