import { Router, type Request, type Response } from 'express';
import { AppError } from '../shared/errors.js';
import { parseOrThrow, toFieldErrors } from '../shared/validation.js';
import * as auth from './auth.service.js';
import { loginSchema, passwordChangeSchema, safeNext, setupSchema, tokenCreateSchema } from './auth.schemas.js';
import { requireUser } from './guard.js';
import type { DemoHooks } from './demo-hooks.js';
import type { RequestHandler } from 'express';

function errorList(res: Response, fields: Record<string, string>) {
  return Object.entries(fields).map(([field, key]) => ({ field, message: res.locals.t(key) }));
}

/** Starts a fresh session for `user`: the session id is rotated so a planted id is useless. */
function signIn(req: Request, user: auth.CurrentUser): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.userId = user.id;
      req.session.loginAt = Date.now();
      req.session.epoch = user.sessionEpoch;
      req.session.save((e) => (e ? reject(e) : resolve()));
    }),
  );
}

/** Login, logout, first-run setup, own account (password, API tokens). */
export function authRouter(opts: { loginLimiter: RequestHandler; demo?: DemoHooks }): Router {
  const router = Router();

  // GET /login
  router.get('/login', async (req, res) => {
    if (res.locals.user) return res.redirect(303, safeNext(req.query.next));
    if ((await auth.countUsers()) === 0) return res.redirect(303, '/setup');
    res.render('auth/login', { title: res.locals.t('auth.login.title'), next: safeNext(req.query.next), email: '', errorList: [] });
  });

  // POST /login — rate limited per address and account
  router.post('/login', opts.loginLimiter, async (req, res) => {
    const { email, password } = parseOrThrow(loginSchema, req.body ?? {});
    const next = safeNext(req.body?.next);
    const user = email && password ? await auth.authenticate(email, password) : null;
    if (!user) {
      // One message for unknown e-mail and wrong password: no account enumeration.
      return res.status(401).render('auth/login', {
        title: res.locals.t('auth.login.title'),
        next,
        email: email.slice(0, 254),
        errorList: [{ field: 'email', message: res.locals.t('auth.login.failed') }],
      });
    }
    await signIn(req, user);
    res.redirect(303, next);
  });

  // POST /logout — the server-side session is destroyed, not just the cookie
  router.post('/logout', (req, res, next) => {
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie('wv_sid', { path: '/' });
      res.redirect(303, '/');
    });
  });

  // GET /setup — exists only while there is no user at all
  router.get('/setup', async (_req, res) => {
    if ((await auth.countUsers()) > 0) throw new AppError(404, 'not_found', 'Not found');
    res.render('auth/setup', {
      title: res.locals.t('auth.setup.title'),
      values: { email: '', name: '', demo: true },
      demoLoaded: (await opts.demo?.loaded()) ?? true,
      errorList: [],
      fieldErrors: {},
    });
  });

  // POST /setup — creates the first admin
  router.post('/setup', async (req, res) => {
    if ((await auth.countUsers()) > 0) throw new AppError(404, 'not_found', 'Not found');
    const parsed = setupSchema.safeParse(req.body ?? {});
    // "Load the demo campaign" (checked by default): the new admin owns it.
    const wantsDemo = req.body?.demo === 'yes';
    const values = { email: String(req.body?.email ?? '').slice(0, 254), name: String(req.body?.name ?? '').slice(0, 120), demo: wantsDemo };
    const render400 = async (fields: Record<string, string>) =>
      res.status(400).render('auth/setup', {
        title: res.locals.t('auth.setup.title'),
        values,
        demoLoaded: (await opts.demo?.loaded()) ?? true,
        errorList: errorList(res, fields),
        fieldErrors: fields,
      });
    if (!parsed.success) return render400(toFieldErrors(parsed.error));
    let user: auth.CurrentUser;
    try {
      user = await auth.createUser({ ...parsed.data, role: 'admin' });
    } catch (err) {
      if (err instanceof AppError && err.fields) return render400(err.fields);
      throw err;
    }
    await signIn(req, user);
    // A demo loaded before (npm run seed) is theirs too: the first admin or lead owns it.
    if (wantsDemo) await opts.demo?.load({ owner: user });
    else await opts.demo?.adopt(user);
    res.redirect(303, '/lead');
  });

  // GET /account — password change and API tokens
  router.get('/account', requireUser(), async (_req, res) => {
    await renderAccount(res, 200);
  });

  // POST /account/password
  router.post('/account/password', requireUser(), async (req, res) => {
    const parsed = passwordChangeSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderAccount(res, 400, { fields: toFieldErrors(parsed.error) });
    let updated: auth.CurrentUser;
    try {
      updated = await auth.changePassword(res.locals.user!.id, parsed.data.currentPassword, parsed.data.newPassword);
    } catch (err) {
      if (err instanceof AppError && err.fields) return renderAccount(res, 400, { fields: err.fields });
      throw err;
    }
    // Keep this session (rotated, with the new epoch); every other session of the user ends.
    await signIn(req, updated);
    await renderAccount(res, 200, { notice: res.locals.t('auth.account.password_changed') });
  });

  // POST /account/tokens — create a personal API token (shown once)
  router.post('/account/tokens', requireUser(), async (req, res) => {
    const parsed = tokenCreateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderAccount(res, 400, { fields: toFieldErrors(parsed.error) });
    const { token } = await auth.createApiToken(res.locals.user!.id, parsed.data.name);
    res.set('Cache-Control', 'no-store');
    await renderAccount(res, 201, { newToken: token });
  });

  // POST /account/tokens/:tokenId/revoke
  router.post('/account/tokens/:tokenId/revoke', requireUser(), async (req, res) => {
    await auth.revokeApiToken(res.locals.user!.id, String(req.params.tokenId));
    res.redirect(303, '/account');
  });

  return router;
}

async function renderAccount(res: Response, status: number, extra: { fields?: Record<string, string>; notice?: string; newToken?: string } = {}) {
  const tokens = await auth.listApiTokens(res.locals.user!.id);
  res.status(status).render('auth/account', {
    title: res.locals.t('auth.account.title'),
    tokens,
    fieldErrors: extra.fields ?? {},
    errorList: errorList(res, extra.fields ?? {}),
    notice: extra.notice ?? '',
    newToken: extra.newToken ?? '',
  });
}
