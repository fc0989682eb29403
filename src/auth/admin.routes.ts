import { Router } from 'express';
import { AppError, notFound } from '../shared/errors.js';
import { parseId } from '../shared/ids.js';
import { parseOrThrow, toFieldErrors } from '../shared/validation.js';
import * as auth from './auth.service.js';
import { userCreateSchema, userUpdateSchema } from './auth.schemas.js';
import { ROLES } from './user.model.js';

/** /admin/users — admins manage accounts (create, role, disable, reset password). */
export function adminRouter(): Router {
  const router = Router();

  const render = async (res: import('express').Response, status: number, extra: { fields?: Record<string, string>; values?: Record<string, string>; notice?: string } = {}) => {
    const users = await auth.listUsers();
    const fields = extra.fields ?? {};
    res.status(status).render('admin/users', {
      title: res.locals.t('admin.users.title'),
      users,
      roles: ROLES,
      values: extra.values ?? { email: '', name: '', role: 'lead' },
      fieldErrors: fields,
      errorList: Object.entries(fields).map(([field, key]) => ({ field, message: res.locals.t(key) })),
      notice: extra.notice ?? '',
    });
  };

  // GET /admin/users
  router.get('/users', async (_req, res) => render(res, 200));

  // POST /admin/users — create an account with an initial password
  router.post('/users', async (req, res) => {
    const values = { email: String(req.body?.email ?? '').slice(0, 254), name: String(req.body?.name ?? '').slice(0, 120), role: String(req.body?.role ?? '') };
    const parsed = userCreateSchema.safeParse(req.body ?? {});
    if (!parsed.success) return render(res, 400, { fields: toFieldErrors(parsed.error), values });
    try {
      await auth.createUser(parsed.data);
    } catch (err) {
      if (err instanceof AppError && err.fields) return render(res, err.status, { fields: err.fields, values });
      throw err;
    }
    res.redirect(303, '/admin/users');
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
