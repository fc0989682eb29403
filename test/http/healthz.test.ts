import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { changeStatus, createCampaign } from '../../src/campaigns/campaign.service.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { connectDb, disconnectDb } from '../../src/db/connection.js';
import { defaultCandidates, startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded/launcher.js';
import { testApp } from '../helpers/app.js';

describe('GET /healthz with a database that goes away', () => {
  // This file starts its own database server so it can stop it without affecting other files.
  let db: EmbeddedDatabase;
  let dir: string;
  const app = testApp();

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wv-healthz-'));
    db = await startEmbeddedDatabase(
      { dataDir: dir, readyTimeoutMs: 30_000, log: () => undefined },
      defaultCandidates().filter((c) => c.name !== 'mongodb-memory-server'),
    );
    await connectDb(db.uri, { serverSelectionTimeoutMS: 1000 });
  });

  after(async () => {
    await disconnectDb().catch(() => undefined);
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('when the database is up, then 200 {"status":"ok","db":"up"}', async () => {
    const res = await request(app).get('/healthz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ok', db: 'up' });
  });

  it('when the database is stopped, then /healthz is 503 "down" and a respondent gets a quick 503, not a hang', async () => {
    const draft = await createCampaign(interviewTemplate());
    const campaign = await changeStatus(String(draft._id), 'open');
    await db.stop();

    // "Not a hang": each request must be answered at all (a hung one fails on the client's
    // timeout, which is far above the app's own database timeout); how fast is a benchmark's job.
    const res = await request(app).get('/healthz').timeout({ response: 10_000 }).expect(503);
    expect(res.body.db).to.equal('down');

    const page = await request(app).get(`/r/${campaign.publicToken}`).set('Accept', 'application/json').timeout({ response: 10_000 }).expect(503);
    expect(page.body.error.code).to.equal('db_unavailable');
    expect(page.headers['retry-after']).to.equal('2');
  });
});
