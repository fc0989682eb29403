import os from 'node:os';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { isDuplicateKey } from '../db/mongo.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { CampaignModel, ScheduleClaimModel } from './campaign.model.js';
import { changeStatus, type Campaign } from './campaign.service.js';

const { trusted } = mongoose;

/**
 * The schedule: a draft whose `opensAt` has passed opens, an open campaign whose `closesAt` has
 * passed closes. Every instance runs the job (src/server.ts); each due change is applied EXACTLY
 * ONCE across instances:
 *
 * 1. the due campaigns are read (status and date; a small collection);
 * 2. per due change, an instance inserts the fence `<campaignId>:<to>:<due ms>#<attempt>` into
 *    `campaign_schedule_claims`. The insert of a unique `_id` is atomic on every backend — a
 *    conditional findOneAndUpdate alone is not on FerretDB 1.x (the same reason as the analysis
 *    runs' fences and the participant claim lock). The one instance whose insert succeeds goes on;
 * 3. it re-reads the campaign and, if the change is still due, applies it with `changeStatus` —
 *    the very function behind the lead's buttons (questions locked, openedAt/closedAt, the
 *    `statusChanges` record with `via: 'schedule'` and the instance).
 *
 * An instance that dies between 2 and 3 leaves a fence and an unchanged campaign: once the fence
 * is older than STALE_MS and the change is still due, the next attempt's fence is taken.
 * Because the job reads the database (not memory), a restart simply applies what became due while
 * no instance ran.
 */
export const STALE_MS = 60_000;
const MAX_ATTEMPTS = 5;

export interface ScheduleRunResult {
  opened: string[];
  closed: string[];
}

type Transition = { to: 'open' | 'closed'; due: Date };

function dueTransition(c: Pick<Campaign, 'status' | 'opensAt' | 'closesAt'>, now: Date): Transition | null {
  if (c.status === 'draft' && c.opensAt && c.opensAt.getTime() <= now.getTime()) return { to: 'open', due: c.opensAt };
  if (c.status === 'open' && c.closesAt && c.closesAt.getTime() <= now.getTime()) return { to: 'closed', due: c.closesAt };
  return null;
}

const fenceId = (campaignId: unknown, t: Transition, attempt: number) => `${String(campaignId)}:${t.to}:${t.due.getTime()}#${attempt}`;

/** Takes the fence of this change for `instance`; false when another instance holds it (or held it and finished). */
async function claim(campaignId: mongoose.Types.ObjectId, t: Transition, instance: string, now: Date): Promise<boolean> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      await ScheduleClaimModel.create({ _id: fenceId(campaignId, t, attempt), owner: instance, at: now });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const held = await ScheduleClaimModel.findById(fenceId(campaignId, t, attempt), { at: 1 }).lean<{ at?: Date }>();
    // A fresh fence: its holder is applying the change right now.
    if (!held?.at || now.getTime() - held.at.getTime() < STALE_MS) return false;
  }
  return false;
}

/** Applies every due open/close once; returns the ids of what THIS call changed. */
export async function applySchedule(now: Date, deps: { instanceId: string }): Promise<ScheduleRunResult> {
  const due = await CampaignModel.find(
    { $or: [{ status: 'draft', opensAt: trusted({ $lte: now }) }, { status: 'open', closesAt: trusted({ $lte: now }) }] },
    { status: 1, opensAt: 1, closesAt: 1 },
  ).lean<Array<Pick<Campaign, '_id' | 'status' | 'opensAt' | 'closesAt'>>>();
  const result: ScheduleRunResult = { opened: [], closed: [] };
  for (const c of due) {
    const t = dueTransition(c, now);
    if (!t) continue;
    if (!(await claim(c._id, t, deps.instanceId, now))) continue;
    // Still due as we saw it? (The lead may have opened, closed or moved the date meanwhile.)
    const current = await CampaignModel.findById(c._id, { status: 1, opensAt: 1, closesAt: 1 }).lean<Pick<Campaign, 'status' | 'opensAt' | 'closesAt'>>();
    const still = current && dueTransition(current, now);
    if (!still || still.to !== t.to || still.due.getTime() !== t.due.getTime()) continue;
    try {
      await changeStatus(String(c._id), t.to, { via: 'schedule', instance: deps.instanceId }, now);
    } catch (err) {
      // The lead changed the status in the very same moment: theirs stands.
      if (err instanceof AppError && err.status === 409) continue;
      throw err;
    }
    (t.to === 'open' ? result.opened : result.closed).push(String(c._id));
  }
  return result;
}

/** A name for this process in the fences and status records. */
export function newInstanceId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Runs `applySchedule` now and every `intervalMs` (src/server.ts); returns a stop function. */
export function startScheduleJob(deps: { logger: Logger; intervalMs?: number; instanceId?: string }): () => void {
  const instanceId = deps.instanceId ?? newInstanceId();
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    applySchedule(new Date(), { instanceId })
      .then((r) => {
        if (r.opened.length || r.closed.length) deps.logger.info({ opened: r.opened, closed: r.closed }, 'schedule: campaigns opened/closed on their dates');
      })
      .catch((err: unknown) => deps.logger.warn({ err }, 'schedule job failed; will retry'))
      .finally(() => {
        running = false;
      });
  };
  run();
  const timer = setInterval(run, deps.intervalMs ?? 30_000);
  timer.unref();
  return () => clearInterval(timer);
}
