import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import type { Router } from 'express';
import request from 'supertest';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { apiRouter } from '../../src/api.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { apiAuth, testApp } from '../helpers/app.js';
import { ANSWERS_DE } from '../helpers/fixtures.js';
import { useTestDb } from '../helpers/test-db.js';

/** Every (method, path) the API router serves, in OpenAPI path syntax. */
function apiRoutes(router: Router): string[] {
  const out: string[] = [];
  const walk = (stack: Router['stack']) => {
    for (const layer of stack) {
      const route = (layer as { route?: { path: string; methods: Record<string, boolean> } }).route;
      if (route) {
        for (const m of Object.keys(route.methods)) out.push(`${m} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
      } else {
        const inner = (layer as { handle?: { stack?: Router['stack'] } }).handle?.stack;
        if (inner) walk(inner);
      }
    }
  };
  walk(router.stack);
  return out.sort();
}

describe('JSON API /api/v1', () => {
  useTestDb('api');
  const app = testApp();
  let auth = '';
  before(async () => {
    auth = (await apiAuth('lead')).header;
  });
  /** A request with the lead's API token. */
  const api = () => {
    const agent = request(app);
    const wrap = (m: 'get' | 'post' | 'put') => (url: string) => agent[m](url).set('Authorization', auth);
    return { get: wrap('get'), post: wrap('post'), put: wrap('put') };
  };

  it('when openapi.json is fetched, then it is a valid OpenAPI 3.1 document listing exactly the served routes', async () => {
    const res = await api().get('/api/v1/openapi.json').expect(200).expect('Content-Type', /json/);
    const result = await new Validator().validate(res.body);
    expect(result.errors ?? [], JSON.stringify(result.errors)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
      .sort();
    expect(documented).to.deep.equal(apiRoutes(apiRouter()));
  });

  it('when a campaign is created, opened, answered and closed through the API, then every step is reflected', async () => {
    // Identified, so the segment values of a single response come back (anonymous campaigns hide
    // groups below the minimum size: test/http/anonymity.test.ts).
    const created = await api().post('/api/v1/campaigns').send({ ...interviewTemplate(), anonymity: 'identified' }).expect(201);
    expect(created.body.status).to.equal('draft');
    expect(created.body.questions).to.have.length(4);
    expect(created.headers.location).to.equal(`/api/v1/campaigns/${created.body.id}`);
    const id = created.body.id as string;

    const edited = await api()
      .put(`/api/v1/campaigns/${id}`)
      .send({ ...interviewTemplate(), anonymity: 'identified', title: 'Geändert', version: created.body.version })
      .expect(200);
    expect(edited.body.title).to.equal('Geändert');
    // A second save with the old version is a conflict, not a silent overwrite.
    await api().put(`/api/v1/campaigns/${id}`).send({ ...interviewTemplate(), version: created.body.version }).expect(409);

    await api().post(`/api/v1/campaigns/${id}/status`).send({ status: 'open' }).expect(200);
    const response = { submissionId: 'api-sub-000001', lang: 'de', consent: true, answers: ANSWERS_DE, segments: { department: 'it' } };
    const first = await api().post(`/api/v1/campaigns/${id}/responses`).send(response).expect(201);
    const retry = await api().post(`/api/v1/campaigns/${id}/responses`).send(response).expect(200);
    expect(retry.body.id).to.equal(first.body.id);
    expect(await ResponseModel.countDocuments({ campaignId: first.body.campaignId })).to.equal(1);

    const list = await api().get(`/api/v1/campaigns/${id}/responses`).expect(200);
    expect(list.body.total).to.equal(1);
    expect(list.body.items[0].answers.q1.text).to.equal(ANSWERS_DE.q1);
    const one = await api().get(`/api/v1/campaigns/${id}/responses/${first.body.id}`).expect(200);
    expect(one.body.segments).to.deep.equal({ department: 'it' });

    // Questions are locked once open.
    const locked = await api().put(`/api/v1/campaigns/${id}`).send(interviewTemplate()).expect(409);
    expect(locked.body.error.code).to.equal('questions_locked');
    const got = await api().get(`/api/v1/campaigns/${id}`).expect(200);
    expect(got.body.responseCount).to.equal(1);
    expect(got.body.questionsLocked).to.equal(true);

    await api().post(`/api/v1/campaigns/${id}/status`).send({ status: 'closed' }).expect(200);
    await api().post(`/api/v1/campaigns/${id}/responses`).send({ ...response, submissionId: 'api-sub-000002' }).expect(410);
    const all = await api().get('/api/v1/campaigns?status=closed').expect(200);
    expect(all.body.items.map((c: { id: string }) => c.id)).to.include(id);
  });

  it('when the body is invalid, then 400 with field-level messages and nothing stored', async () => {
    const before = await api().get('/api/v1/campaigns').expect(200);
    const res = await api()
      .post('/api/v1/campaigns')
      .send({ title: '', languages: ['fr'], questions: [{ key: 'Q 1', role: 'x', prompt: { de: 'a'.repeat(1001) }, modes: [] }] })
      .expect(400);
    expect(res.body.error.code).to.equal('validation_failed');
    expect(res.body.error.fields).to.include.keys('title', 'languages.0', 'questions.0.key', 'questions.0.role', 'questions.0.prompt.de', 'questions.0.modes');
    const after = await api().get('/api/v1/campaigns').expect(200);
    expect(after.body.items).to.have.length(before.body.items.length);
  });

  it('when JSON is malformed or too large, then 400/413 as JSON without a stack trace', async () => {
    const bad = await api().post('/api/v1/campaigns').set('Content-Type', 'application/json').send('{"title": ').expect(400);
    expect(bad.body.error.code).to.equal('malformed_body');
    expect(JSON.stringify(bad.body)).not.to.match(/at .*\.(js|ts):\d+/);
    const big = await api().post('/api/v1/campaigns').set('Content-Type', 'application/json').send(JSON.stringify({ title: 'x'.repeat(2_000_000) })).expect(413);
    expect(big.body.error.code).to.equal('payload_too_large');
  });

  it('when ids are unknown or not ids, then 404 JSON', async () => {
    await api().get('/api/v1/campaigns/000000000000000000000000').expect(404);
    const res = await api().get('/api/v1/campaigns/not-an-id').expect(404);
    expect(res.body.error.code).to.equal('not_found');
    await api().get('/api/v1/nothing-here').expect(404).expect('Content-Type', /json/);
  });

  it('when a query carries an operator, then it is never executed', async () => {
    const draft = await api().post('/api/v1/campaigns').send(interviewTemplate()).expect(201);
    // The simple query parser keeps `status[$ne]` a plain (unknown) key: no filter is built from it.
    const res = await api().get('/api/v1/campaigns?status[$ne]=draft').expect(200);
    expect(res.body.items.map((c: { id: string }) => c.id)).to.include(draft.body.id);
    const bad = await api().get('/api/v1/campaigns?status=%7B%22%24ne%22%3A%22draft%22%7D').expect(400);
    expect(bad.body.error.fields).to.have.key('status');
    await api().get('/api/v1/campaigns?limit=100000').expect(400);
  });
});
