/**
 * Child process of bench/media-upload.ts: the real app (createApp) with one media store, on a
 * free port of 127.0.0.1, so its RSS is measured apart from the client's. Talks over IPC:
 * → { port, token } when listening; ← 'sample' starts peak-RSS sampling (every 20 ms),
 * ← 'peak' answers { rss, peak }.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { changeStatus, createCampaign } from '../src/campaigns/campaign.service.js';
import { interviewTemplate } from '../src/campaigns/interview-template.js';
import { createApp } from '../src/app.js';
import { sessionMiddleware } from '../src/auth/session.js';
import { connectDb } from '../src/db/connection.js';
import { FileSystemMediaStore, GridFsMediaStore } from '../src/media/media-store.js';
import { createLogger } from '../src/shared/logger.js';

const uri = process.env.BENCH_DB_URI!;
const store = process.env.BENCH_STORE === 'gridfs' ? new GridFsMediaStore() : new FileSystemMediaStore(process.env.BENCH_MEDIA_ROOT!);
await connectDb(uri);
const secret = 'bench-secret-bench-secret-bench-secret!';
const app = createApp({
  logger: createLogger('warn'),
  session: sessionMiddleware({ secret, idleMinutes: 30, secureCookies: false }),
  secret,
  media: { store, maxBytes: 1024 * 1024 * 1024, maxSeconds: 3600, logger: createLogger('warn') },
});
const campaign = await changeStatus(String((await createCampaign(interviewTemplate()))._id), 'open');
const server = app.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.address() as AddressInfo).port, token: campaign.publicToken });
});

let peak = 0;
let timer: NodeJS.Timeout | undefined;
let bare: http.Server | undefined;
process.on('message', (m) => {
  if (typeof m === 'object' && m && 'bareKey' in m) {
    // Reference: a bare node:http server streaming the same object from the store (no express,
    // no session, no access check, no Range) — what any Node server gets on this machine.
    const key = String((m as { bareKey: string }).bareKey);
    bare = http.createServer((_req, res) => {
      void store.size(key).then((size) => {
        res.writeHead(200, { 'Content-Length': String(size), 'Content-Type': 'application/octet-stream' });
        pipeline(store.read(key), res).catch(() => undefined);
      });
    });
    bare.listen(0, '127.0.0.1', () => process.send!({ barePort: (bare!.address() as AddressInfo).port }));
  } else if (m === 'sample') {
    peak = process.memoryUsage().rss;
    clearInterval(timer);
    timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  } else if (m === 'peak') {
    peak = Math.max(peak, process.memoryUsage().rss);
    process.send!({ rss: process.memoryUsage().rss, peak });
  } else if (m === 'stop') {
    clearInterval(timer);
    bare?.close();
    server.close(() => process.exit(0));
  }
});
