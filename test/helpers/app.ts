import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/shared/logger.js';

/** The real app with a silent logger (set LOG_LEVEL=debug to see request logs). */
export function testApp(overrides: Parameters<typeof createApp>[0] extends infer D ? Partial<D> : never = {}) {
  return createApp({ logger: createLogger(process.env.LOG_LEVEL ?? 'silent'), ...overrides });
}
