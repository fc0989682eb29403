import { EventEmitter } from 'node:events';

/**
 * "A finished run was just seen" (its progress stream ended, the runs page listed it): features
 * that keep per-run data ready (the dashboard) subscribe in app.ts. An event, so analysis runs
 * do not import the presentation features built on top of them.
 */
const events = new EventEmitter();

export function runSeenDone(campaignId: string, runId: string): void {
  events.emit('done', campaignId, runId);
}

export function onRunSeenDone(listener: (campaignId: string, runId: string) => void): () => void {
  events.on('done', listener);
  return () => events.off('done', listener);
}
