import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { ResponseModel } from '../../src/responses/response.model.js';
import { createShare } from '../../src/reports/report-share.service.js';
import { signIn, testApp } from '../helpers/app.js';
import { allRoutes } from '../helpers/routes.js';
import { useTestDb } from '../helpers/test-db.js';
import { reportCampaign } from './report.fixtures.js';

/*
 * Issue 12, part 3: the edge never answers 500 for bad input. Every GET route of the app (found
 * by walking its routers), with real ids so the request reaches its handler, gets query strings
 * that are over-long, repeated, array- or object-shaped, operator-shaped or not UTF-8. Any
 * answer is fine except a server error or a stack trace.
 */

/** Query parameter names the app reads somewhere (and a few it never reads). */
const NAMES = ['page', 'done', 'run', 'from', 'to', 'lang', 'kind', 'role', 'field', 'code', 'cluster', 'type', 'q', 'status', 'limit', 'skip', 'variant', 'seg-department', 'language', 'revoked', 'next', 'n'];

function badQueries(name: string): string[] {
  const long = 'x'.repeat(21);
  return [
    `${name}=${long}`,
    `${name}=${'ä'.repeat(3000)}`,
    `${name}=a&${name}=b&${name}=${long}`,
    `${name}[]=1`,
    `${name}[$ne]=`,
    `${name}=%FF%FE%C0`,
    `${name}=%`,
    `${name}=1e400`,
    `${name}=__proto__`,
  ];
}

describe('query strings never cause a 500 (issue 12, part 3)', function () {
  this.timeout(600_000);
  useTestDb('query_sweep');
  const app = testApp();

  it('every GET route, every bad query shape: no 500, no stack trace', async () => {
    const lead = await signIn(app, 'admin');
    const fx = await reportCampaign(lead.user.id);
    const id = String(fx.campaign._id);
    const rid = String((await ResponseModel.findOne({ campaignId: fx.campaign._id }).lean())!._id);
    const { share } = await createShare(fx.campaign._id as mongoose.Types.ObjectId, { label: 'x', days: 7 }, lead.user.id);
    const values: Record<string, string> = { id, runId: fx.runId, rid, question: 'q3', theme: 'code:tool_sprawl', key: 'q1', publicId: share.publicId, token: fx.campaign.publicToken, mediaId: 'm_' + 'A'.repeat(32), userId: lead.user.id };
    const routes = allRoutes(app.app()).filter((r) => r.method === 'get');
    expect(routes.length).to.be.greaterThan(30);
    // Every route gets every parameter name (each with a different bad shape, rotating, so across
    // the routes every name meets every shape) and every shape on the two most-read names.
    const urls: Array<{ url: string; json: boolean }> = [];
    routes.forEach((route, r) => {
      const path = route.path.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(values[name] ?? 'x'));
      NAMES.forEach((name, n) => {
        const shapes = badQueries(name);
        urls.push({ url: `${path}?${shapes[(n + r) % shapes.length]}`, json: name === 'lang' });
      });
      for (const name of ['page', 'done']) for (const query of badQueries(name)) urls.push({ url: `${path}?${query}`, json: false });
    });
    const failures: string[] = [];
    // Eight at a time: the sweep is long, and concurrent requests are what a real server sees.
    for (let i = 0; i < urls.length; i += 8) {
      await Promise.all(
        urls.slice(i, i + 8).map(async ({ url, json }) => {
          const res = await lead.agent.get(url).set('Accept', json ? 'application/json' : 'text/html');
          if (res.status >= 500) failures.push(`${url.slice(0, 160)} → ${res.status}`);
          if (/\bat [^\n]*\.(js|ts):\d+|node_modules/.test(res.text ?? '')) failures.push(`${url.slice(0, 160)} → stack trace`);
        }),
      );
    }
    const tried = urls.length;
    expect(failures, failures.slice(0, 30).join('\n')).to.deep.equal([]);
    expect(tried).to.be.greaterThan(1_000);
    // Anonymous visitors on the public routes too.
    for (const path of ['/', '/login', `/r/${fx.campaign.publicToken}`, '/setup'])
      for (const query of badQueries('next').concat(badQueries('lang'))) {
        const res = await request(app).get(`${path}?${query}`);
        expect(res.status, `${path}?${query}`).to.be.below(500);
      }
  });
});
