import type { AnalysisResult, ChallengeType, EmergentCluster, QuestionRole, Requirement } from '../analysis/index.js';

/**
 * The dashboard's data types, at the bottom of the feature: the compact run data (built by
 * dashboard.data.ts, stored by dashboard.store.ts, read by dashboard.service.ts) and the filters
 * (parsed by dashboard.schemas.ts). Types and constants only, so no file of the feature has to
 * import another one just for a type.
 */

/** A dashboard filter: a segment dimension (or `language`) and one of its values. */
export interface Filter {
  dim: string;
  value: string;
}

export const ROLES: readonly QuestionRole[] = ['current_practice', 'meaning', 'challenges', 'future', 'custom'];
export type CodeField = 'channels' | 'themes' | 'features';

export interface Dimension {
  /** Segment key, or `language` for the answers' language. */
  key: string;
  /** Known values, in the campaign's order (values met in responses but no longer configured last). */
  values: string[];
  /** Per respondent: index into `values`, -1 when not given. */
  idx: Int16Array;
}

export interface CodeRef {
  role: QuestionRole;
  field: CodeField;
  id: string;
}

export interface RunData {
  runId: string;
  campaignId: string;
  result: Pick<AnalysisResult, 'summary'> & { clusters: EmergentCluster[]; requirements: Requirement[] };
  /** Respondent ids (the response `_id`s), index = respondent number. */
  respondents: string[];
  /** Segment dimensions followed by the language dimension. */
  dims: Dimension[];
  /** Per answer: respondent number, role number (ROLES), challenge type (0 none, 1 technical, 2 cultural), cluster number (-1 none). */
  aResp: Int32Array;
  aRole: Uint8Array;
  aType: Uint8Array;
  aCluster: Int32Array;
  /** Per answer: its id (`<responseId>:<questionKey>`). */
  aId: string[];
  /** Codes of answer i are codes[codeStart[i] .. codeStart[i+1]). */
  codeStart: Int32Array;
  codes: Int32Array;
  /** Code number → role/field/id. */
  codeRefs: CodeRef[];
  codeIndex: Map<string, number>;
  /** Cluster number → cluster id; answer id → answer number (for requirement evidence). */
  clusterIds: string[];
  answerIndex: Map<string, number>;
  /**
   * From the codebook the run used when it had theme-board corrections (renamed, merged, new
   * codes; `analysis_results.codebook`): names, challenge types and cue patterns by code id.
   * Empty for runs on the built-in codebook (the service falls back to it).
   */
  codebook: { names: Record<string, { de: string; en: string }>; types: Record<string, ChallengeType>; cues: Record<string, string[]> };
  /** How long building this took (ms), for the benchmark and the logs. */
  buildMs: number;
}

export const codeKey = (role: string, field: string, id: string) => `${role}|${field}|${id}`;
export const TYPE_CODES: Record<ChallengeType, number> = { technical: 1, cultural: 2 };
