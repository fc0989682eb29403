import type { AnalysisAnswer, AnalysisStage, AnalysisSummary, AnalyzeOptions, Codebook } from '../analysis/index.js';

/** What the runner hands the worker (structured-cloned, so plain data and no callbacks). */
export interface WorkerRequest {
  answers: AnalysisAnswer[];
  options: Pick<AnalyzeOptions, 'campaignLanguage' | 'seed' | 'codebook' | 'corrections'>;
  /**
   * Where the worker stores the result itself (its own database connection): the multi-megabyte
   * result then never crosses to the main thread, whose structured-clone decode and BSON encode of
   * it blocked requests for 200–460 ms at 10,000 answers.
   */
  store: {
    uri: string;
    runId: string;
    campaignId: string;
    /** Largest size of one stored document's answer list (result-store.ts splits above it). */
    partBytes: number;
    /** The campaign codebook of the theme board, kept beside the result (absent: built-in). */
    codebook?: Codebook;
    corrections: number;
  };
}

/** What the main thread needs of a stored result: small on purpose. */
export interface StoredResult {
  summary: AnalysisSummary;
  bytes: number;
  /** Set when the export code index could not be written (exports rebuild it on demand). */
  codeIndexError?: string;
}

export type WorkerMessage =
  | { type: 'progress'; stage: AnalysisStage; fraction: number }
  | { type: 'storing' }
  | { type: 'done'; stored: StoredResult; threadId: number }
  | { type: 'error'; message: string; permanent?: boolean; threadId: number };
