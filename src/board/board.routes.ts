import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { getCampaign, type Campaign } from '../campaigns/campaign.service.js';
import { AppError, notFound } from '../shared/errors.js';
import type { Translate } from '../shared/i18n/index.js';
import { toFieldErrors } from '../shared/validation.js';
import { codesSchema, codeTypeSchema, correctionIdParam, mergeSchema, moveSchema, pageQuery, questionParam, renameSchema, reviewQuery, reviewSchema, splitSchema, themeParam } from './board.schemas.js';
import { reviewQueue } from './review.js';
import {
  deleteCorrection,
  findQuestion,
  findTheme,
  loadBoard,
  mergeTheme,
  reviewAnswer,
  moveAnswer,
  renameTheme,
  setAnswerCodes,
  setCodeType,
  splitTheme,
  withTexts,
  type Board,
  type BoardQuestion,
  type BoardTheme,
} from './board.service.js';

/** Answers per page on a theme page (each with its correction forms). */
const PAGE = 50;

const boardUrl = (c: Campaign) => `/lead/campaigns/${String(c._id)}/board`;
const themeUrl = (c: Campaign, q: string, ref: string) => `${boardUrl(c)}/${q}/${encodeURIComponent(ref)}`;

interface ThemeCtx {
  campaign: Campaign;
  board: Board;
  q: BoardQuestion;
  theme: BoardTheme;
  author: { id: string; name: string; email: string };
}

async function themeContext(req: Request, res: Response): Promise<ThemeCtx> {
  const campaign = await getCampaign(String(req.params.id));
  const qp = questionParam.safeParse(req.params.question);
  const tp = themeParam.safeParse(req.params.theme);
  if (!qp.success || !tp.success) throw notFound('Theme');
  const board = await loadBoard(campaign);
  const q = findQuestion(board, qp.data);
  const theme = findTheme(q, tp.data);
  // requireUser() runs before every /lead route, so there is a user here.
  return { campaign, board, q, theme, author: res.locals.user! };
}

async function renderTheme(res: Response, status: number, ctx: ThemeCtx, opts: { page?: number; done?: string; values?: Record<string, unknown>; fieldErrors?: Record<string, string> } = {}): Promise<void> {
  const t = res.locals.t as Translate;
  const total = ctx.theme.answers.length;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const page = Math.min(opts.page ?? 1, pages);
  const fieldErrors = opts.fieldErrors ?? {};
  const errorList = Object.entries(fieldErrors).map(([field, key]) => ({ field: ['answer', '_'].includes(field) ? '' : field, message: t(key as Parameters<Translate>[0]) }));
  res.status(status).render('board/theme', {
    title: `${t('board.theme_title')}: ${res.locals.pick(ctx.theme.name)}`,
    campaign: ctx.campaign,
    board: ctx.board,
    question: ctx.q,
    theme: ctx.theme,
    answers: await withTexts(ctx.theme.answers.slice((page - 1) * PAGE, page * PAGE)),
    total,
    page,
    pages,
    done: opts.done,
    values: opts.values ?? {},
    fieldErrors,
    errorList,
    boardUrl: boardUrl(ctx.campaign),
    themeUrl: (q: string, ref: string) => themeUrl(ctx.campaign, q, ref),
  });
}

/**
 * A board action: validate the form, run the correction, redirect (POST/redirect/GET). A form
 * error re-renders the theme page with 400, the lead's input kept and the field named.
 */
function action<S extends z.ZodTypeAny>(schema: S, run: (ctx: ThemeCtx, data: z.infer<S>) => Promise<string | void>, kind: string) {
  return async (req: Request, res: Response) => {
    const ctx = await themeContext(req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = schema.safeParse(body);
    if (!parsed.success) return renderTheme(res, 400, ctx, { values: body, fieldErrors: fieldErrorsOf(parsed.error) });
    let next: string | void;
    try {
      next = await run(ctx, parsed.data);
    } catch (err) {
      if (err instanceof AppError && err.fields) return renderTheme(res, 400, ctx, { values: body, fieldErrors: err.fields });
      throw err;
    }
    res.redirect(303, `${themeUrl(ctx.campaign, ctx.q.key, next ?? ctx.theme.ref)}?done=${kind}`);
  };
}

/** Field → message key; the board's own messages (`board.error.*`) say what to do, so they win. */
function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const fields = toFieldErrors(error);
  const own = new Set<string>();
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    if (issue.message.startsWith('board.') && !own.has(key)) {
      fields[key] = issue.message;
      own.add(key);
    }
  }
  return fields;
}

const nameOf = (d: Record<string, unknown>, prefix: string) => ({ de: String(d[`${prefix}_de`] ?? ''), en: String(d[`${prefix}_en`] ?? '') });

/** The theme board (issue 6 item 3): leads correct themes; corrections feed the next run. */
export function boardRouter(): Router {
  const router = Router();

  // GET /lead/campaigns/:id/board — themes per question of the latest run, and the history
  router.get('/campaigns/:id/board', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    const board = await loadBoard(campaign);
    const query = pageQuery.parse(req.query);
    res.render('board/index', {
      title: res.locals.t('board.title'),
      campaign,
      board,
      done: query.done,
      boardUrl: boardUrl(campaign),
      themeUrl: (q: string, ref: string) => themeUrl(campaign, q, ref),
    });
  });

  /**
   * GET /lead/campaigns/:id/board/review — "review next": the least certain answer the lead has
   * not corrected yet, with the codes the retrained coder suggests now.
   */
  async function renderReview(req: Request, res: Response, status: number, extra: { fieldErrors?: Record<string, string>; values?: Record<string, unknown> } = {}): Promise<void> {
    const campaign = await getCampaign(String(req.params.id));
    const board = await loadBoard(campaign);
    if (!board.run) return res.redirect(303, boardUrl(campaign));
    const skip = new Set((reviewQuery.parse(req.query).skip ?? '').split(',').filter(Boolean));
    const queue = await reviewQueue(campaign, board);
    const next = queue.items.find((i) => !skip.has(i.id));
    const q = next ? board.questions.find((x) => x.answers.some((a) => a.id === next.id)) : undefined;
    const answer = next && q ? (await withTexts(q.answers.filter((a) => a.id === next.id)))[0] : undefined;
    const t = res.locals.t as Translate;
    const fieldErrors = extra.fieldErrors ?? {};
    res.status(status).render('board/review', {
      title: t('board.review.title'),
      campaign,
      board,
      queue: { left: queue.items.length, reviewed: queue.reviewed, total: queue.total },
      next,
      question: q,
      answer,
      skipAll: [...skip, ...(next ? [next.id] : [])].join(','),
      values: extra.values ?? {},
      fieldErrors,
      errorList: Object.entries(fieldErrors).map(([field, key]) => ({ field: field === 'answer' ? '' : field, message: t(key as Parameters<Translate>[0]) })),
      boardUrl: boardUrl(campaign),
    });
  }
  router.get('/campaigns/:id/board/review', (req, res) => renderReview(req, res, 200));

  // POST /lead/campaigns/:id/board/review — save (or confirm) the answer's codes, then the next one
  router.post('/campaigns/:id/board/review', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = reviewSchema.safeParse(body);
    if (!parsed.success) return renderReview(req, res, 400, { values: body, fieldErrors: fieldErrorsOf(parsed.error) });
    const board = await loadBoard(campaign);
    const q = board.questions.find((x) => x.answers.some((a) => a.id === parsed.data.answer));
    if (!q || !q.output) return renderReview(req, res, 400, { values: body, fieldErrors: { answer: 'board.error.unknown_answer' } });
    try {
      await reviewAnswer(campaign, board, q, res.locals.user!, parsed.data);
    } catch (err) {
      if (err instanceof AppError && err.fields) return renderReview(req, res, 400, { values: body, fieldErrors: err.fields });
      throw err;
    }
    res.redirect(303, `${boardUrl(campaign)}/review`);
  });

  // GET /lead/campaigns/:id/board/:question/:theme — one theme with its answers and the actions
  router.get('/campaigns/:id/board/:question/:theme', async (req, res) => {
    const ctx = await themeContext(req, res);
    const query = pageQuery.parse(req.query);
    await renderTheme(res, 200, ctx, { page: query.page, done: query.done });
  });

  router.post(
    '/campaigns/:id/board/:question/:theme/rename',
    action(renameSchema, (ctx, d) => renameTheme(ctx.campaign, ctx.board, ctx.q, ctx.theme, ctx.author, nameOf(d, 'rename'), d.rename_type), 'rename'),
  );
  router.post('/campaigns/:id/board/:question/:theme/merge', action(mergeSchema, (ctx, d) => mergeTheme(ctx.campaign, ctx.board, ctx.q, ctx.theme, ctx.author, d.into), 'merge'));
  router.post(
    '/campaigns/:id/board/:question/:theme/split',
    action(
      splitSchema,
      (ctx, d) => splitTheme(ctx.campaign, ctx.board, ctx.q, ctx.theme, ctx.author, { answers: d.split_answers as string[], name: nameOf(d, 'split'), type: d.split_type }),
      'split',
    ),
  );
  router.post('/campaigns/:id/board/:question/:theme/type', action(codeTypeSchema, (ctx, d) => setCodeType(ctx.campaign, ctx.board, ctx.q, ctx.theme, ctx.author, d.code_type), 'type'));
  router.post('/campaigns/:id/board/:question/:theme/move', action(moveSchema, (ctx, d) => moveAnswer(ctx.campaign, ctx.board, ctx.q, ctx.theme, ctx.author, d.answer, d.to), 'move'));
  router.post('/campaigns/:id/board/:question/:theme/codes', action(codesSchema, (ctx, d) => setAnswerCodes(ctx.campaign, ctx.board, ctx.q, ctx.theme, ctx.author, d), 'codes'));

  // POST /lead/campaigns/:id/board/corrections/:cid/delete — undo one correction
  router.post('/campaigns/:id/board/corrections/:cid/delete', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    const cid = correctionIdParam.safeParse(req.params.cid);
    if (!cid.success) throw notFound('Correction');
    await deleteCorrection(campaign, cid.data);
    res.redirect(303, `${boardUrl(campaign)}?done=undo#history`);
  });

  return router;
}
