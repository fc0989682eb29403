import { Router, type Request, type Response } from 'express';
import { getCampaign } from '../campaigns/campaign.service.js';
import { notFound } from '../shared/errors.js';
import type { MessageKey, Translate } from '../shared/i18n/index.js';
import { runParamsSchema, runsPageQuerySchema } from './analysis-run.schemas.js';
import { getRun, listRuns, startRun, type RunView } from './analysis-run.service.js';
import { runSeenDone } from './run-events.js';
import { summaryView } from './summary-view.js';

/** How often an open progress stream re-reads the run (any instance may be running it). */
const SSE_POLL_MS = 500;
/** Streams end after this long; the browser's EventSource reconnects by itself. */
const SSE_MAX_MS = 5 * 60_000;

const finished = (run: RunView) => run.status === 'done' || run.status === 'failed';

/** The progress message, for SSE and JSON alike. */
function progressOf(run: RunView, t: Translate) {
  return {
    id: run.id,
    status: run.status,
    stage: run.stage,
    stageLabel: t(`analysis.stage.${run.stage}` as MessageKey),
    percent: run.percent,
    attempts: run.attempts,
    error: run.status === 'failed' ? run.error : '',
  };
}

function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

/** Streams a run's progress as server-sent events until it is done or failed. */
function streamProgress(req: Request, res: Response, campaignId: Parameters<typeof getRun>[0], first: RunView): void {
  const t = res.locals.t as Translate;
  res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  res.write('retry: 2000\n\n');
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const startedAt = Date.now();
  const end = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    res.end();
  };
  req.on('close', end);
  const send = (run: RunView) => {
    const data = JSON.stringify(progressOf(run, t));
    // Every poll sends an event, also when nothing changed (a long stage such as loading a big
    // campaign): the page gets at least one progress event per second and knows the run is alive.
    res.write(`event: progress\ndata: ${data}\n\n`);
    if (run.status === 'done') runSeenDone(String(campaignId), run.id);
    if (finished(run)) {
      res.write('event: end\ndata: {}\n\n');
      end();
    } else if (Date.now() - startedAt > SSE_MAX_MS) end();
    // Polls start every SSE_POLL_MS from the previous poll's start, not after its read finished:
    // a slow read does not stretch the gap between events by its own duration.
    else timer = setTimeout(poll, Math.max(0, SSE_POLL_MS - (Date.now() - pollStartedAt)));
  };
  let pollStartedAt = Date.now();
  const poll = () => {
    if (closed) return;
    pollStartedAt = Date.now();
    getRun(campaignId, first.id).then(send, end);
  };
  send(first);
}

/** Lead pages of analysis runs: start one, list them, follow one's progress. */
export function analysisRunsRouter(): Router {
  const router = Router();

  // POST /lead/campaigns/:id/analysis — queue a run (or get the one already active)
  router.post('/campaigns/:id/analysis', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    const { run, created } = await startRun(campaign._id, res.locals.user?.id);
    if (wantsJson(req)) {
      res.status(created ? 202 : 200).json({ run: progressOf(run, res.locals.t), created });
      return;
    }
    res.redirect(303, `/lead/campaigns/${String(campaign._id)}/analysis?run=${run.id}`);
  });

  // GET /lead/campaigns/:id/analysis — runs, the active run's progress, the latest result's summary
  router.get('/campaigns/:id/analysis', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    const query = runsPageQuerySchema.parse(req.query);
    const runs = await listRuns(campaign._id);
    const active = runs.find((r) => !finished(r)) ?? (query.run ? runs.find((r) => r.id === query.run && !finished(r)) : undefined);
    const latest = runs.find((r) => r.status === 'done' && r.summary);
    if (latest) runSeenDone(String(campaign._id), latest.id);
    res.render('lead/analysis-runs', {
      title: res.locals.t('analysis.title'),
      campaign,
      runs,
      active,
      latest,
      summary: latest?.summary ? summaryView(latest.summary) : undefined,
    });
  });

  // GET /lead/campaigns/:id/analysis/runs/:runId/progress — SSE, or JSON for polling
  router.get('/campaigns/:id/analysis/runs/:runId/progress', async (req, res) => {
    const params = runParamsSchema.safeParse(req.params);
    if (!params.success) throw notFound('Analysis run');
    const campaign = await getCampaign(req.params.id);
    const run = await getRun(campaign._id, params.data.runId);
    if (run.status === 'done') runSeenDone(String(campaign._id), run.id);
    if (req.accepts(['text/event-stream', 'application/json']) === 'application/json') {
      res.set('Cache-Control', 'no-store').json(progressOf(run, res.locals.t));
      return;
    }
    streamProgress(req, res, campaign._id, run);
  });

  return router;
}
