import stopwordsIso from 'stopwords-iso/stopwords-iso.json' with { type: 'json' };

/**
 * Stopword lists from stopwords-iso (maintained, covers German, which natural lacks). Words that
 * matter for our codes are kept out of the lists: negations and "mehr/more" drive negation scope,
 * and "online", "home", "zusammen" carry meaning in these interviews.
 */
const KEEP = new Set([
  'nicht', 'kein', 'keine', 'keinen', 'keiner', 'keinem', 'nie', 'niemals', 'ohne', 'mehr', 'statt',
  'not', 'no', 'never', 'without', 'more', 'instead', 'online', 'home', 'zusammen', 'together',
  'gemeinsam', 'überall', 'anywhere', 'mobil', 'flexibel', 'work', 'arbeit', 'arbeiten', 'büro',
]);

const lists = stopwordsIso as Record<string, string[]>;

function toSet(lang: string): Set<string> {
  return new Set((lists[lang] ?? []).filter((w) => !KEEP.has(w)));
}

export const STOPWORDS: Record<string, Set<string>> = {
  de: toSet('de'),
  en: toSet('en'),
};

/** Union, used for answers in other languages and mixed Denglisch answers. */
export const STOPWORDS_ANY = new Set<string>([...STOPWORDS.de, ...STOPWORDS.en]);

/** Raw stopword lists of some further languages, for detecting (and only marking) them. */
export const OTHER_LANG_STOPWORDS: Record<string, Set<string>> = Object.fromEntries(
  ['fr', 'es', 'it', 'nl', 'pt', 'pl', 'tr'].map((l) => [l, new Set(lists[l] ?? [])]),
);
