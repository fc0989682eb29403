import { Router, type Response } from 'express';
import { z } from 'zod';
import { countRecordingsWithMetadata, mediaToolsAvailable, type MediaOptions } from '../media/media.service.js';
import { AppError, notFound } from '../shared/errors.js';
import { idPattern, parseId } from '../shared/ids.js';
import { parseOrThrow, toFieldErrors } from '../shared/validation.js';
import * as auth from './auth.service.js';
import { userCreateSchema, userUpdateSchema } from './auth.schemas.js';
import { ROLES } from './user.model.js';
import type { DemoHooks } from './demo-hooks.js';

/** `?created=<user id>[&demo=owner|coLead]` after creating an account (post/redirect/get). */
const createdQuerySchema = z.object({
  created: z.string().regex(idPattern('objectId')).optional().catch(undefined),
  demo: z.enum(['owner', 'coLead']).optional().catch(undefined),
});

export interface AdminRouterOptions {
  /** Video answers: whether ffmpeg removes metadata (the admin page says once when it does not). */
  media?: Pick<MediaOptions, 'useFfmpeg'>;
  /** The demo campaign (src/demo, wired in app.ts): a new account may join it. */
  demo?: Pick<DemoHooks, 'adopt'>;
}

/** /admin/users — admins manage accounts (create, role, disable, reset password). */
export function adminRouter(opts: AdminRouterOptions = {}): Router {
  const router = Router();

  const render = async (res: Response, status: number, extra: { fields?: Record<string, string>; values?: Record<string, string>; created?: { email: string; role: string; demo?: string } } = {}) => {
    const [users, toolsAvailable] = await Promise.all([auth.listUsers(), mediaToolsAvailable(opts.media ?? {})]);
    const fields = extra.fields ?? {};
    res.status(status).render('admin/users', {
      title: res.locals.t('admin.users.title'),
      users,
      roles: ROLES,
      values: extra.values ?? { email: '', name: '', role: 'lead' },
      fieldErrors: fields,
      errorList: Object.entries(fields).map(([field, key]) => ({ field, message: res.locals.t(key) })),
      created: extra.created,
      // Said once, here: what a missing ffmpeg means for respondents' privacy, and the fix.
      mediaTools: toolsAvailable ? null : { keptRecordings: await countRecordingsWithMetadata() },
    });
  };

  // GET /admin/users
  router.get('/users', async (req, res) => {
    const q = createdQuerySchema.parse(req.query);
    const user = q.created ? (await auth.listUsers()).find((u) => String(u._id) === q.created) : undefined;
    await render(res, 200, { created: user ? { email: user.email, role: user.role, demo: q.demo } : undefined });
  });

  // POST /admin/users — create an account with an initial password
  router.post('/users', async (req, res) => {
    const values = { email: String(req.body?.email ?? '').slice(0, 254), name: String(req.body?.name ?? '').slice(0, 120), role: String(req.body?.role ?? '') };
    const parsed = userCreateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return render(res, 400, { fields: toFieldErrors(parsed.error), values });
    let user: auth.CurrentUser;
    try {
      user = await auth.createUser(parsed.data);
    } catch (err) {
      if (err instanceof AppError && err.fields) return render(res, err.status, { fields: err.fields, values });
      throw err;
    }
    // The demo campaign's first lead joins it (src/demo/demo.ts).
    const demo = (await opts.demo?.adopt(user)) ?? null;
    res.redirect(303, `/admin/users?created=${user.id}${demo ? `&demo=${demo}` : ''}#created`);
  });

  // POST /admin/users/:userId — change role, disable/enable, set a new password
  router.post('/users/:userId', async (req, res) => {
    // The id first (an unknown user is 404 whatever the form says), then the form.
    const userId = parseId('objectId', req.params.userId);
    if (!userId) throw notFound('User');
    const change = parseOrThrow(userUpdateSchema, req.body ?? {});
    await auth.updateUser(res.locals.user!, userId, {
      role: change.role,
      disabled: change.disabled === undefined ? undefined : change.disabled === 'true',
      password: change.password || undefined,
    });
    res.redirect(303, '/admin/users');
  });

  return router;
}
