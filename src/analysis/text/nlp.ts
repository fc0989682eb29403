/**
 * The only module that imports natural. Subpath imports only: natural's top-level index loads
 * storage adapters (mongoose, pg, redis) and calls dotenv.config() as a side effect.
 */
import stemmers from 'natural/lib/natural/stemmers/index.js';

export const porterStemmerEn = stemmers.PorterStemmer;
export const porterStemmerDe = stemmers.PorterStemmerDe;
