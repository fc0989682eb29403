import type { Logger } from '../shared/logger.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded/launcher.js';

/** What choosing the database needs from the configuration (src/config.ts). */
export interface DatabaseSettings {
  mongodbUri?: string;
  dataDir: string;
  dbStartTimeoutMs: number;
}

/** Resolves the database: MONGODB_URI, or the embedded default (design: "Database"). */
export async function openDatabase(config: DatabaseSettings, logger: Logger): Promise<{ uri: string; embedded?: EmbeddedDatabase }> {
  if (config.mongodbUri) {
    logger.info({ engine: 'external (MONGODB_URI)' }, 'using the database from MONGODB_URI');
    return { uri: config.mongodbUri };
  }
  const embedded = await startEmbeddedDatabase({
    dataDir: config.dataDir,
    readyTimeoutMs: config.dbStartTimeoutMs,
    log: (msg) => logger.info(msg),
  });
  logger.info({ engine: embedded.engine, dataPath: embedded.dataDir }, `embedded database started: ${embedded.engine}, data in ${embedded.dataDir}`);
  return { uri: embedded.uri, embedded };
}

