import type { AnalysisAnswer, AnalysisResult, AnalysisStage, AnalyzeOptions } from '../analysis/index.js';

/** What the runner hands the worker (structured-cloned, so plain data and no callbacks). */
export interface WorkerRequest {
  answers: AnalysisAnswer[];
  options: Pick<AnalyzeOptions, 'campaignLanguage' | 'seed' | 'codebook' | 'corrections'>;
}

export type WorkerMessage =
  | { type: 'progress'; stage: AnalysisStage; fraction: number }
  | { type: 'done'; result: AnalysisResult; threadId: number }
  | { type: 'error'; message: string; threadId: number };
