import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { removeExpiredSessions, sessionMiddleware } from '../../src/auth/session.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { loadDemo } from '../../src/demo/demo.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { makeUser, testApp } from '../helpers/app.js';
import { testDbUri, useTestDb } from '../helpers/test-db.js';

/**
 * Issue 15: "a 500 on /dashboard/answers?kind=all under load (MongoUnexpectedServerResponseError:
 * BSON element "cursor" is missing)".
 *
 * The cause: connect-mongo's `autoRemove: 'interval'` deleted expired sessions every 10 minutes
 * with an UNACKNOWLEDGED write (`writeConcern: { w: 0 }`). The driver sends such a write with the
 * OP_MSG `moreToCome` flag, reads no reply and puts the connection back into the pool. FerretDB
 * 1.24 ignores that flag (its wire package defines it, nothing checks it) and replies anyway, so
 * the reply waits unread on that pooled connection — and the NEXT command there reads it as its
 * own: a `find` gets `{n, ok: 1}` without a cursor (the 500), and from then on every command on
 * that connection gets the previous command's answer (a findById could return another document).
 * Under load the pool has many connections, so it hit a drill-down page only now and then.
 *
 * The fix: sessions expire through our own acknowledged `deleteMany` (removeExpiredSessions,
 * started by src/server.ts), connect-mongo's interval removal is off.
 */
describe('expired sessions are removed without unacknowledged writes (the dashboard 500, issue 15)', () => {
  useTestDb('session_cleanup');

  async function isFerretDb(): Promise<boolean> {
    const info = (await mongoose.connection.db!.admin().command({ buildInfo: 1 })) as { ferretdbVersion?: string };
    return typeof info.ferretdbVersion === 'string';
  }

  it('reproduces the cause: after a w:0 write, the next find on that connection reads a stale reply (FerretDB)', async () => {
    // One connection, so the write and the find share it — as two requests do under load.
    const client = new mongoose.mongo.MongoClient(testDbUri('session_cleanup'), { maxPoolSize: 1, retryWrites: false });
    await client.connect();
    try {
      const sessions = client.db().collection<{ _id: string; expires: Date }>('sessions_repro');
      await sessions.insertMany([{ _id: 'old', expires: new Date(0) }, { _id: 'live', expires: new Date(Date.now() + 3_600_000) }]);
      const ferret = await isFerretDb();
      // What connect-mongo's interval removal sent every 10 minutes.
      await sessions.deleteMany({ expires: { $lt: new Date() } }, { writeConcern: { w: 0 } });
      const read = sessions.findOne({ _id: 'live' });
      if (ferret) {
        // FerretDB answered the unacknowledged delete; the find reads that answer.
        const err = await read.then(() => null, (e: unknown) => e as Error);
        expect(err?.name).to.equal('MongoUnexpectedServerResponseError');
        expect(err?.message).to.equal('BSON element "cursor" is missing');
      } else {
        // MongoDB does not answer a moreToCome message: the connection stays in step.
        expect((await read)?._id).to.equal('live');
      }
    } finally {
      await client.close(true);
    }
  });

  it('the app removes expired sessions with acknowledged writes: the next find on the same connection reads its own reply', async () => {
    const client = new mongoose.mongo.MongoClient(testDbUri('session_cleanup'), { maxPoolSize: 1, retryWrites: false, monitorCommands: true });
    await client.connect();
    const unacknowledged: string[] = [];
    client.on('commandStarted', (e) => {
      const wc = (e.command as { writeConcern?: { w?: unknown } }).writeConcern;
      if (wc?.w === 0) unacknowledged.push(e.commandName);
    });
    try {
      const sessions = client.db().collection<{ _id: string; expires: Date }>('sessions');
      await sessions.deleteMany({});
      await sessions.insertMany([
        { _id: 'expired-1', expires: new Date(Date.now() - 60_000) },
        { _id: 'expired-2', expires: new Date(0) },
        { _id: 'live', expires: new Date(Date.now() + 3_600_000) },
      ]);
      expect(await removeExpiredSessions(client.db())).to.equal(2);
      // The same single connection answers the next find with its own reply.
      expect((await sessions.findOne({ _id: 'live' }))?._id).to.equal('live');
      expect(await sessions.countDocuments()).to.equal(1);
      expect(unacknowledged, 'commands sent with w:0').to.deep.equal([]);
    } finally {
      await client.close(true);
    }
  });

  it('the session store sends no unacknowledged write in its life (sign-in, pages, sign-out, cleanup)', async () => {
    const client = new mongoose.mongo.MongoClient(testDbUri('session_cleanup'), { maxPoolSize: 1, retryWrites: false, monitorCommands: true });
    await client.connect();
    const unacknowledged: string[] = [];
    client.on('commandStarted', (e) => {
      if ((e.command as { writeConcern?: { w?: unknown } }).writeConcern?.w === 0) unacknowledged.push(e.commandName);
    });
    try {
      const session = sessionMiddleware({ secret: 'test-secret-test-secret-test-secret!!', idleMinutes: 30, secureCookies: false, client });
      const app = testApp({ session });
      const lead = await makeUser('lead');
      const { campaignId } = await loadDemo({ owner: { id: lead.id, role: 'lead' } });
      expect(await ResponseModel.countDocuments({ campaignId })).to.equal(32);
      const agent = request.agent(app);
      const login = await agent.get('/login').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
      await agent.post('/login').type('form').send({ email: lead.email, password: lead.password, _csrf: csrf }).expect(303);
      for (let i = 0; i < 5; i++) await agent.get(`/lead/campaigns/${campaignId}`).expect(200);
      expect(await CampaignModel.countDocuments({ _id: campaignId })).to.equal(1);
      await removeExpiredSessions(client.db());
      await agent.get('/lead').expect(200);
      const page = await agent.get('/account').expect(200);
      await agent.post('/logout').type('form').send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1] }).expect(303);
      await agent.get('/lead').expect(303);
      expect(unacknowledged).to.deep.equal([]);
    } finally {
      await client.close(true);
    }
  });
});
