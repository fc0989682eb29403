import { createRequire } from 'node:module';

/** The part of autocannon's programmatic API the benchmarks use (autocannon ships no types). */
export interface LoadRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: LoadRequest, context: Record<string, unknown>) => LoadRequest | null;
  onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => void;
}

export interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  requests: LoadRequest[];
}

interface Histogram {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  p2_5: number;
  p97_5: number;
}

export interface LoadResult {
  requests: Histogram & { total: number; sent: number };
  latency: Histogram;
  throughput: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  start: Date;
  finish: Date;
  statusCodeStats: Record<string, { count: number }>;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
}

type Autocannon = (opts: LoadOptions) => Promise<LoadResult>;

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as Autocannon;

/** Runs autocannon; the promise resolves when the duration is over. */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  return autocannon({ timeout: 10, ...opts });
}
