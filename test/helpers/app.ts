import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp, type AppDeps } from '../../src/app.js';
import { createApiToken, createUser, type CurrentUser } from '../../src/auth/auth.service.js';
import type { Role } from '../../src/auth/user.model.js';
import { sessionMiddleware } from '../../src/auth/session.js';
import { createLogger } from '../../src/shared/logger.js';

/**
 * The real app with a silent logger (LOG_LEVEL=debug shows request logs). Built on the first
 * request, because the session store needs the connection that the file's before() opens.
 */
type Handler = ((req: IncomingMessage, res: ServerResponse) => void) & { app(): Express };

export function testApp(overrides: Partial<AppDeps> = {}): Handler {
  let app: Express | undefined;
  const build = () =>
    (app ??= createApp({
      logger: createLogger(process.env.LOG_LEVEL ?? 'silent'),
      session: sessionMiddleware({ secret: 'test-secret-test-secret-test-secret!!', idleMinutes: 30, secureCookies: false }),
      secret: 'test-secret-test-secret-test-secret!!',
      ...overrides,
    }));
  const handler = ((req: IncomingMessage, res: ServerResponse) => build()(req, res)) as Handler;
  handler.app = build;
  return handler;
}

let counter = 0;

/** Creates a user with a unique e-mail (password: `correct horse battery`). */
export async function makeUser(role: Role, name = role): Promise<CurrentUser & { password: string }> {
  counter += 1;
  const password = 'correct horse battery';
  const user = await createUser({ email: `${name}-${counter}-${process.pid}@example.test`, name, role, password });
  return { ...user, password };
}

/** The CSRF token embedded in a page's forms. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html) ?? /data-csrf="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token in page');
  return m[1];
}

export interface SignedIn {
  agent: TestAgent;
  user: CurrentUser & { password: string };
  /** The session's CSRF token, for form posts (`_csrf`) or the X-CSRF-Token header. */
  csrf: string;
}

/** A supertest agent signed in as a new user of `role`. */
export async function signIn(app: Handler, role: Role = 'lead'): Promise<SignedIn> {
  const user = await makeUser(role);
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  await agent.post('/login').type('form').send({ email: user.email, password: user.password, _csrf: csrfFrom(page.text) }).expect(303);
  const account = await agent.get('/account').expect(200);
  return { agent, user, csrf: csrfFrom(account.text) };
}

/** `Authorization` header value for a new API token of a new user of `role`. */
export async function apiAuth(role: Role = 'lead'): Promise<{ header: string; user: CurrentUser }> {
  const user = await makeUser(role);
  const { token } = await createApiToken(user.id, 'test');
  return { header: `Bearer ${token}`, user };
}

/** A signed-in client whose POSTs carry the CSRF header (also works for multipart uploads). */
export async function staffClient(app: Handler, role: Role = 'admin') {
  const s = await signIn(app, role);
  return {
    ...s,
    get: (url: string) => s.agent.get(url),
    post: (url: string) => s.agent.post(url).set('X-CSRF-Token', s.csrf),
  };
}

/** The CSRF token a respondent's browser has for the campaign `publicToken` (follows redirects). */
export async function respondentCsrf(agent: TestAgent, publicToken: string): Promise<string> {
  let res = await agent.get(`/r/${publicToken}`);
  for (let i = 0; i < 3 && res.status === 303; i += 1) res = await agent.get(String(res.headers.location));
  return csrfFrom(res.text);
}

/** POSTs a respondent form (`start` or `submit`) with the browser's CSRF token, like a real page would. */
export async function respondentPost(agent: TestAgent, publicToken: string, action: 'start' | 'submit', form: Record<string, string>, status: number) {
  const csrf = await respondentCsrf(agent, publicToken);
  return agent.post(`/r/${publicToken}/${action}`).type('form').send({ ...form, _csrf: csrf }).expect(status);
}
