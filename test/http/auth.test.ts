import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApiToken } from '../../src/auth/auth.service.js';
import { ApiTokenModel, UserModel } from '../../src/auth/user.model.js';
import { CampaignModel } from '../../src/campaigns/campaign.model.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { apiAuth, csrfFrom, makeUser, signIn, testApp } from '../helpers/app.js';
import { allRoutes } from '../helpers/routes.js';
import { useTestDb } from '../helpers/test-db.js';

const fill = (path: string) => path.replace(/:(\w+)/g, (_m, name: string) => (name === 'id' || name.endsWith('Id') || name === 'rid' ? '0123456789abcdef01234567' : 'x'));

describe('accounts and access', () => {
  useTestDb('auth');
  const app = testApp({ trustProxy: true, loginRateLimit: 10 });

  describe('first-run setup', () => {
    it('when no user exists, then /setup creates the first admin and disappears afterwards', async () => {
      await UserModel.deleteMany({});
      const agent = request.agent(app);
      await agent.get('/login').expect(303).expect('Location', '/setup');
      const page = await agent.get('/setup').expect(200);
      const csrf = csrfFrom(page.text);
      const weak = await agent.post('/setup').type('form').send({ _csrf: csrf, email: 'admin@example.test', password: 'short' }).expect(400);
      expect(weak.text).to.include('admin@example.test');
      expect(await UserModel.countDocuments()).to.equal(0);
      await agent.post('/setup').type('form').send({ _csrf: csrf, email: 'Admin@Example.test', name: 'Ada', password: 'a long enough passphrase' }).expect(303);
      const admin = await UserModel.findOne({}).lean();
      expect(admin).to.include({ email: 'admin@example.test', role: 'admin' });
      expect(admin!.passwordHash).to.match(/^scrypt\$32768\$8\$3\$/);
      await agent.get('/admin/users').expect(200);
      await request(app).get('/setup').expect(404);
    });
  });

  describe('login, logout, password change', () => {
    it('when the password is wrong or the e-mail unknown, then the same 401 message and no session', async () => {
      const user = await makeUser('lead');
      const agent = request.agent(app);
      const csrf = csrfFrom((await agent.get('/login').expect(200)).text);
      const wrong = await agent.post('/login').type('form').send({ _csrf: csrf, email: user.email, password: 'wrong password here' }).expect(401);
      const unknown = await agent.post('/login').type('form').send({ _csrf: csrf, email: 'nobody@example.test', password: 'wrong password here' }).expect(401);
      const message = 'E-Mail-Adresse oder Passwort stimmen nicht.';
      expect(wrong.text).to.include(message);
      expect(unknown.text).to.include(message);
      await agent.get('/lead').set('Accept', 'text/html').expect(303).expect('Location', '/login?next=%2Flead');
    });

    it('when signing in, then the session id is rotated; logout destroys the server-side session', async () => {
      const user = await makeUser('lead');
      const agent = request.agent(app);
      const page = await agent.get('/login').expect(200);
      const before = /wv_sid=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1];
      expect(before, 'a pre-login session (CSRF token) exists').to.be.a('string');
      const login = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password: user.password, next: '/account' }).expect(303);
      expect(login.headers.location).to.equal('/account');
      const after = /wv_sid=([^;]+)/.exec(String(login.headers['set-cookie']))?.[1];
      expect(after).to.be.a('string').and.not.equal(before);
      expect(String(login.headers['set-cookie'])).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i);

      const account = await agent.get('/account').expect(200);
      const sessions = mongoose.connection.collection('sessions');
      const countBefore = await sessions.countDocuments();
      await agent.post('/logout').type('form').send({ _csrf: csrfFrom(account.text) }).expect(303);
      expect(await sessions.countDocuments()).to.equal(countBefore - 1);
      // The old cookie is useless now, even if someone kept a copy.
      await request(app).get('/account').set('Cookie', `wv_sid=${after}`).set('Accept', 'text/html').expect(303);
    });

    it('when "next" points to another site, then login redirects inside the app', async () => {
      const user = await makeUser('lead');
      const agent = request.agent(app);
      const csrf = csrfFrom((await agent.get('/login').expect(200)).text);
      const res = await agent.post('/login').type('form').send({ _csrf: csrf, email: user.email, password: user.password, next: '//evil.example/x' }).expect(303);
      expect(res.headers.location).to.equal('/lead');
    });

    it('when the password is changed, then other sessions of that user end and the old password stops working', async () => {
      const one = await signIn(app, 'lead');
      const other = request.agent(app);
      const csrf = csrfFrom((await other.get('/login').expect(200)).text);
      await other.post('/login').type('form').send({ _csrf: csrf, email: one.user.email, password: one.user.password }).expect(303);
      await other.get('/account').expect(200);

      const bad = await one.agent.post('/account/password').type('form').send({ _csrf: one.csrf, currentPassword: 'not it at all', newPassword: 'another long passphrase' }).expect(400);
      expect(bad.text).to.include('Das aktuelle Passwort stimmt nicht.');
      // No pause: a session that signed in a moment before the change must end too (issue 12).
      const ok = await one.agent.post('/account/password').type('form').send({ _csrf: one.csrf, currentPassword: one.user.password, newPassword: 'another long passphrase' }).expect(200);
      expect(ok.text).to.include('Passwort geändert.');
      await one.agent.get('/account').expect(200);
      await other.get('/account').set('Accept', 'text/html').expect(303);
    });
  });

  describe('rate limits on login', () => {
    it('when one address tries one password against many accounts (password spraying), then it is stopped after the per-address limit', async function () {
      // Every account creation and sign-in runs scrypt (deliberately slow): a ceiling for a busy machine.
      this.timeout(90_000);
      const spray = testApp({ trustProxy: true, loginRateLimit: 10, loginRateLimitPerAddress: 5 });
      const accounts = await Promise.all(Array.from({ length: 8 }, () => makeUser('lead')));
      const attacker = request.agent(spray);
      const csrf = csrfFrom((await attacker.get('/login').set('X-Forwarded-For', '198.51.100.9').expect(200)).text);
      const statuses: number[] = [];
      for (const account of accounts) {
        const res = await attacker.post('/login').set('X-Forwarded-For', '198.51.100.9').type('form').send({ _csrf: csrf, email: account.email, password: 'Sommer2026!' });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 5).every((st) => st === 401), statuses.join(',')).to.equal(true);
      expect(statuses.slice(5).every((st) => st === 429), statuses.join(',')).to.equal(true);
      // Even the right password of an account is refused from that address now; another address signs in.
      await attacker.post('/login').set('X-Forwarded-For', '198.51.100.9').type('form').send({ _csrf: csrf, email: accounts[7].email, password: accounts[7].password }).expect(429);
      const colleague = request.agent(spray);
      const c2 = csrfFrom((await colleague.get('/login').set('X-Forwarded-For', '198.51.100.10').expect(200)).text);
      await colleague.post('/login').set('X-Forwarded-For', '198.51.100.10').type('form').send({ _csrf: c2, email: accounts[0].email, password: accounts[0].password }).expect(303);
    });

    it('when an admin resets a password, then the user’s open sessions end at once', async () => {
      const admin = await signIn(app, 'admin');
      const victim = await signIn(app, 'lead');
      await victim.agent.get('/account').expect(200);
      await admin.agent.post(`/admin/users/${victim.user.id}`).type('form').send({ _csrf: admin.csrf, password: 'a brand new passphrase' }).expect(303);
      await victim.agent.get('/account').set('Accept', 'text/html').expect(303);
    });

    it('when one address sends 100 wrong logins for one account, then 429 after the limit while another address still signs in', async () => {
      const user = await makeUser('lead');
      const attacker = request.agent(app);
      const csrf = csrfFrom((await attacker.get('/login').set('X-Forwarded-For', '203.0.113.7').expect(200)).text);
      const statuses: number[] = [];
      for (let i = 0; i < 100; i += 1) {
        const res = await attacker
          .post('/login')
          .set('X-Forwarded-For', '203.0.113.7')
          .type('form')
          .send({ _csrf: csrf, email: user.email, password: `guess number ${i}` });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 10).every((s) => s === 401)).to.equal(true);
      expect(statuses.slice(10).every((s) => s === 429)).to.equal(true);
      // The right password from the attacker's address is refused too while limited …
      await attacker.post('/login').set('X-Forwarded-For', '203.0.113.7').type('form').send({ _csrf: csrf, email: user.email, password: user.password }).expect(429);
      // … but the real user elsewhere signs in.
      const real = request.agent(app);
      const csrf2 = csrfFrom((await real.get('/login').set('X-Forwarded-For', '198.51.100.20').expect(200)).text);
      await real.post('/login').set('X-Forwarded-For', '198.51.100.20').type('form').send({ _csrf: csrf2, email: user.email, password: user.password }).expect(303);
    });

    it('when X-Forwarded-For is spoofed and no proxy is trusted, then the limit still applies to the real address', async () => {
      const direct = testApp({ trustProxy: false, loginRateLimit: 3 });
      const user = await makeUser('lead');
      const agent = request.agent(direct);
      const csrf = csrfFrom((await agent.get('/login').expect(200)).text);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await agent.post('/login').set('X-Forwarded-For', `192.0.2.${i}`).type('form').send({ _csrf: csrf, email: user.email, password: `nope nope ${i}` });
        statuses.push(res.status);
      }
      expect(statuses).to.deep.equal([401, 401, 401, 429, 429, 429]);
    });
  });

  describe('the guard', () => {
    it('when any /lead, /admin, /account or /api/v1 route is called without credentials, then it is refused', async () => {
      const routes = allRoutes(app.app()).filter((r) => /^\/(lead|admin|account|api\/v1)(\/|$)/.test(r.path));
      expect(routes.length).to.be.greaterThan(15);
      const anon = request.agent(app);
      const csrf = csrfFrom((await anon.get('/login').expect(200)).text);
      for (const r of routes) {
        const url = fill(r.path);
        const req = (anon as unknown as Record<string, (u: string) => request.Test>)[r.method](url).set('Accept', 'application/json');
        const res = r.method === 'get' ? await req : await req.set('X-CSRF-Token', csrf).send({});
        expect([401, 403], `${r.method.toUpperCase()} ${url} → ${res.status}`).to.include(res.status);
        expect(res.status === 401 || url.startsWith('/admin'), `${r.method} ${url}`).to.equal(true);
      }
    });

    it('when a lead or stakeholder opens /admin, then 403', async () => {
      const lead = await signIn(app, 'lead');
      await lead.agent.get('/admin/users').set('Accept', 'application/json').expect(403);
      const sh = await signIn(app, 'stakeholder');
      await sh.agent.get('/admin/users').expect(403);
    });
  });

  describe('campaign authorization', () => {
    it("when a lead asks for another lead's campaign, then 404 everywhere, and lists show only their own", async () => {
      const a = await apiAuth('lead');
      const b = await apiAuth('lead');
      const created = await request(app).post('/api/v1/campaigns').set('Authorization', a.header).send(interviewTemplate()).expect(201);
      const id = created.body.id as string;
      await request(app).get(`/api/v1/campaigns/${id}`).set('Authorization', b.header).expect(404);
      await request(app).get(`/api/v1/campaigns/${id}/responses`).set('Authorization', b.header).expect(404);
      await request(app).post(`/api/v1/campaigns/${id}/status`).set('Authorization', b.header).send({ status: 'open' }).expect(404);
      const listB = await request(app).get('/api/v1/campaigns').set('Authorization', b.header).expect(200);
      expect(listB.body.items.map((c: { id: string }) => c.id)).not.to.include(id);
      expect((await CampaignModel.findById(id).lean())?.status).to.equal('draft');
    });

    it('when a stakeholder is invited, then they read the overview only: no responses, no edits', async () => {
      const owner = await signIn(app, 'lead');
      const sh = await signIn(app, 'stakeholder');
      const coLead = await signIn(app, 'lead');
      const created = await request(app).post('/api/v1/campaigns').set('Authorization', (await apiAuthFor(owner.user.id)).header).send(interviewTemplate()).expect(201);
      const id = created.body.id as string;
      await sh.agent.get(`/lead/campaigns/${id}`).expect(404);
      await owner.agent.post(`/lead/campaigns/${id}/members`).type('form').send({ _csrf: owner.csrf, email: sh.user.email, as: 'stakeholder' }).expect(303);
      await owner.agent.post(`/lead/campaigns/${id}/members`).type('form').send({ _csrf: owner.csrf, email: coLead.user.email, as: 'coLead' }).expect(303);
      const overview = await sh.agent.get(`/lead/campaigns/${id}`).expect(200);
      expect(overview.text).not.to.include('public-link');
      expect(overview.text).not.to.include('/status');
      await sh.agent.get(`/lead/campaigns/${id}/responses`).expect(404);
      await sh.agent.get(`/lead/campaigns/${id}/edit`).expect(404);
      await sh.agent.post(`/lead/campaigns/${id}/status`).type('form').send({ _csrf: sh.csrf, status: 'open' }).expect(404);
      // A co-lead edits like the owner.
      await coLead.agent.post(`/lead/campaigns/${id}/status`).type('form').send({ _csrf: coLead.csrf, status: 'open' }).expect(303);
      expect((await CampaignModel.findById(id).lean())?.status).to.equal('open');
      // A stakeholder cannot be made co-lead.
      const other = await makeUser('stakeholder');
      await owner.agent.post(`/lead/campaigns/${id}/members`).type('form').set('Accept', 'application/json').send({ _csrf: owner.csrf, email: other.email, as: 'coLead' }).expect(400);
    });
  });

  describe('API tokens', () => {
    it('when a token is created, then only its hash is stored; it works for /api/v1 until revoked', async () => {
      const s = await signIn(app, 'lead');
      const res = await s.agent.post('/account/tokens').type('form').send({ _csrf: s.csrf, name: 'Reporting script' }).expect(201);
      expect(res.headers['cache-control']).to.equal('no-store');
      const token = /id="new-token"[^>]*value="(wv_[^"]+)"/.exec(res.text)?.[1];
      expect(token).to.match(/^wv_[A-Za-z0-9_-]{43}$/);
      const stored = await ApiTokenModel.findOne({ userId: s.user.id }).lean();
      expect(JSON.stringify(stored)).not.to.include(token!.slice(3));
      await request(app).get('/api/v1/campaigns').set('Authorization', `Bearer ${token}`).expect(200);
      await s.agent.post(`/account/tokens/${String(stored!._id)}/revoke`).type('form').send({ _csrf: s.csrf }).expect(303);
      const revoked = await request(app).get('/api/v1/campaigns').set('Authorization', `Bearer ${token}`).expect(401);
      expect(revoked.body.error.code).to.equal('unauthenticated');
      await request(app).get('/api/v1/campaigns').set('Authorization', 'Bearer wv_short').expect(401);
    });

    it('when an invalid Bearer token comes with a session cookie, then 401 and no CSRF exemption, even on /logout', async () => {
      const s = await signIn(app, 'lead');
      const sessions = mongoose.connection.collection('sessions');
      const before = await sessions.countDocuments();
      const res = await s.agent.post('/logout').set('Authorization', 'Bearer wv_' + 'x'.repeat(43)).set('Accept', 'application/json').expect(401);
      expect(res.body.error.code).to.equal('unauthenticated');
      expect(await sessions.countDocuments()).to.equal(before);
      await s.agent.get('/account').expect(200);
    });
  });

  describe('security headers', () => {
    it('when any page is served, then CSP without inline scripts, nosniff, no framing and no referrer leak are set', async () => {
      const res = await request(app).get('/').expect(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).to.include("script-src 'self'").and.include("frame-ancestors 'none'").and.include("default-src 'self'");
      expect(csp).not.to.include('unsafe-inline');
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(res.headers['referrer-policy']).to.equal('same-origin');
      expect(res.headers['x-powered-by']).to.equal(undefined);
    });
  });
});

async function apiAuthFor(userId: string) {
  const { token } = await createApiToken(userId, 'test');
  return { header: `Bearer ${token}` };
}
