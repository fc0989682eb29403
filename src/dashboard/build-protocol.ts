import type { Campaign } from '../campaigns/campaign.service.js';

/** What the build worker gets: the stored result as raw BSON documents (main first, then its parts) and the respondents' segments. */
export interface BuildRequest {
  runId: string;
  campaignId: string;
  segments: Campaign['segments'];
  segmentsOf: Array<[string, Record<string, string>]>;
  raws: Uint8Array[];
}

export type BuildReply = { type: 'done'; meta: Uint8Array; arrays: Uint8Array } | { type: 'error'; message: string };
