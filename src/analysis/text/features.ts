import { porterStemmerDe, porterStemmerEn } from './nlp.js';
import { STOPWORDS, STOPWORDS_ANY } from './stopwords.js';
import { PairTable } from './reader.js';
import { isEmoji, isNumeric } from './tokenize.js';

/**
 * Heads and modifiers that make up workplace compounds. Compound splitting is deliberately cheap:
 * a long German word is split once where both halves are known words (this list, or words seen in the
 * corpus), with an optional linking -s-/-es-/-n-. "Netzabdeckung" → netz + abdeckung,
 * "Videokonferenz" → video + konferenz, "Datenschutzvorgaben" → datenschutz + vorgaben.
 */
const COMPOUND_PARTS = [
  'netz', 'abdeckung', 'video', 'konferenz', 'daten', 'schutz', 'datenschutz', 'mail', 'mails', 'flut',
  'arbeit', 'arbeits', 'platz', 'zeit', 'home', 'office', 'wissen', 'system', 'systeme', 'software',
  'telefon', 'chat', 'gruppe', 'gruppen', 'dokument', 'dokumente', 'ablage', 'laufwerk', 'suche',
  'such', 'funktion', 'schulung', 'schulungen', 'kultur', 'führung', 'führungs', 'kräfte', 'kraft',
  'papier', 'akte', 'akten', 'prozess', 'prozesse', 'formular', 'formulare', 'antrag', 'anträge',
  'postfach', 'eingang', 'nachricht', 'nachrichten', 'benachrichtigung', 'benachrichtigungen',
  'tool', 'tools', 'plattform', 'portal', 'zugang', 'zugriff', 'gerät', 'geräte', 'akku', 'laufzeit',
  'internet', 'verbindung', 'funk', 'loch', 'mobil', 'sicherheit', 'richtlinie', 'richtlinien',
  'vorgabe', 'vorgaben', 'schnittstelle', 'schnittstellen', 'insel', 'inseln', 'medien', 'bruch',
  'brüche', 'erreichbarkeit', 'kollege', 'kollegen', 'team', 'teams', 'projekt', 'projekte',
  'aufgabe', 'aufgaben', 'liste', 'listen', 'brett', 'kalender', 'termin', 'termine', 'besprechung',
  'raum', 'küche', 'kaffee', 'pause', 'flur', 'übergabe', 'schicht', 'dienst', 'kunde', 'kunden',
  'lösung', 'lösungen', 'start', 'seite', 'oberfläche', 'fenster', 'einstieg', 'hilfe', 'anleitung',
  'lernen', 'weiterbildung', 'roboter', 'assistent', 'automatik', 'vertrauen', 'kontrolle',
  'präsenz', 'silo', 'denken', 'stress', 'feierabend', 'urlaub', 'wochenende', 'abend',
];

/** Minimum length of a word we try to split, and of each part. */
const MIN_COMPOUND = 9;
const MIN_PART = 4;
const LINKERS = ['', 's', 'es', 'n', 'en'];

/** Stems by "d:token" / "e:token" / "x:token", for every pipeline of the process. */
const SHARED_STEMS = new Map<string, string>();

export interface TextFeatures {
  /** Content stems (stopwords removed), in order. */
  stems: string[];
  /** stems + compound-part stems + bigrams: the classifier's and TF-IDF's feature set (deduplicated). */
  features: string[];
}

/**
 * Turns tokens into stems, compound parts and bigrams. Holds caches: the same word stems the same way
 * in every answer, so 100,000 answers cost a few thousand stemmer calls, not millions.
 */
export class TextPipeline {
  private readonly stemCache = new Map<string, string>();
  private readonly compoundCache = new Map<string, string[] | null>();
  private readonly known: Set<string>;
  /** stem → the first word that produced it, to show readable cluster labels ("netzabdeck" → "netzabdeckung"). */
  private readonly surfaces = new Map<string, string>();

  constructor(extraVocabulary: Iterable<string> = []) {
    this.known = new Set(COMPOUND_PARTS);
    for (const w of extraVocabulary) if (w.length >= MIN_PART) this.known.add(w);
  }

  /**
   * Per language, token → what features() does with it: null when dropped (stopword, number, too
   * short), else its stem and the stems of its compound parts. Computed with the same calls in the same
   * order as before on a token's first occurrence, so stems and surfaces are unchanged; a campaign has
   * a few thousand distinct tokens and hundreds of thousands of occurrences.
   */
  private readonly tokenCache = new Map<string, Map<string, TokenEntry | null>>();
  /** Feature dictionary for featureIds(): id → feature string (stems, parts, `a_b` bigrams). */
  readonly terms: string[] = [];
  private readonly termIds = new Map<string, number>();
  /** left stem id → (right stem id → bigram feature id) */
  private readonly bigramIds = new Map<number, Map<number, number>>();
  /** Scratch for featureIds(): seen[id] === stamp when id is already in the current answer. */
  private seen = new Int32Array(1024);
  private stamp = 0;

  /** Adds corpus words so compounds of words seen elsewhere in the campaign can be split. */
  addVocabulary(words: Iterable<string>): void {
    for (const w of words) if (w.length >= MIN_PART && w.length < 14) this.known.add(w);
    this.tokenCache.clear();
    this.idCache.clear();
  }

  /** Stems a token for a language; German and English use natural's Porter stemmers. */
  stem(token: string, lang: string): string {
    const key = lang === 'de' ? `d:${token}` : lang === 'en' ? `e:${token}` : `x:${token}`;
    let s = this.stemCache.get(key);
    if (s === undefined) {
      // Stemming is a pure function of token and language: shared by all pipelines of the process
      // (each code group's model has its own pipeline, and natural's Porter stemmers are slow).
      s = SHARED_STEMS.get(key);
      if (s === undefined) {
        if (isEmoji(token)) s = token;
        else if (lang === 'de') s = porterStemmerDe.stem(token);
        else if (lang === 'en') s = porterStemmerEn.stem(token);
        else s = token.length > 5 ? token.slice(0, 5) : token; // generic: crude prefix stem
        if (SHARED_STEMS.size >= 300_000) SHARED_STEMS.clear();
        SHARED_STEMS.set(key, s);
      }
      this.stemCache.set(key, s);
      if (!this.surfaces.has(s)) this.surfaces.set(s, token);
    }
    return s;
  }

  /** Known word, also in an inflected form (Konferenz-en, Gerät-e). */
  private isKnown(word: string): boolean {
    if (this.known.has(word)) return true;
    for (const suffix of ['en', 'n', 'e', 's', 'er']) {
      if (word.length - suffix.length >= MIN_PART && word.endsWith(suffix) && this.known.has(word.slice(0, -suffix.length))) return true;
    }
    return false;
  }

  /** A readable word for a stem (the first word seen that stems to it). */
  surface(stem: string): string {
    return this.surfaces.get(stem) ?? stem;
  }

  /** Splits a German compound into two known parts, or null. */
  splitCompound(token: string): string[] | null {
    if (token.length < MIN_COMPOUND) return null;
    const cached = this.compoundCache.get(token);
    if (cached !== undefined) return cached;
    let result: string[] | null = null;
    // Prefer the longest tail (heads carry the meaning in German compounds: Netz|abdeckung).
    for (let i = MIN_PART; i <= token.length - MIN_PART && result === null; i++) {
      const tail = token.slice(i);
      if (!this.isKnown(tail)) continue;
      const headWithLinker = token.slice(0, i);
      for (const l of LINKERS) {
        if (l && !headWithLinker.endsWith(l)) continue;
        const head = l ? headWithLinker.slice(0, -l.length) : headWithLinker;
        if (head.length >= MIN_PART - 1 && this.known.has(head)) {
          result = [head, tail];
          break;
        }
      }
    }
    this.compoundCache.set(token, result);
    return result;
  }

  /** Stopword-free stems, compound-part stems and bigrams of one answer. */
  features(tokens: string[], lang: string): TextFeatures {
    const stop = lang === 'de' ? STOPWORDS.de : lang === 'en' ? STOPWORDS.en : STOPWORDS_ANY;
    let cache = this.tokenCache.get(lang);
    if (!cache) this.tokenCache.set(lang, (cache = new Map()));
    const stems: string[] = [];
    const feats = new Set<string>();
    for (const t of tokens) {
      let e = cache.get(t);
      if (e === undefined) {
        e = this.entry(t, lang, stop);
        cache.set(t, e);
      }
      if (e === null) continue;
      stems.push(e.stem);
      feats.add(e.stem);
      if (e.parts) for (const p of e.parts) feats.add(p);
    }
    for (let i = 1; i < stems.length; i++) feats.add(`${stems[i - 1]}_${stems[i]}`);
    return { stems, features: [...feats] };
  }

  /**
   * features(tokens, lang).features as ids into `terms`, same features in the same order, without
   * building a string per bigram or a Set per answer: the hot path of a 100,000-answer run.
   */
  featureIds(tokens: string[], lang: string): Int32Array {
    const stop = lang === 'de' ? STOPWORDS.de : lang === 'en' ? STOPWORDS.en : STOPWORDS_ANY;
    let cache = this.tokenCache.get(lang);
    if (!cache) this.tokenCache.set(lang, (cache = new Map()));
    const stamp = ++this.stamp;
    const out: number[] = [];
    const stemIds: number[] = [];
    const add = (id: number): void => {
      if (id >= this.seen.length) {
        const grown = new Int32Array(Math.max(id + 1, this.seen.length * 2));
        grown.set(this.seen);
        this.seen = grown;
      }
      if (this.seen[id] !== stamp) {
        this.seen[id] = stamp;
        out.push(id);
      }
    };
    for (const t of tokens) {
      let e = cache.get(t);
      if (e === undefined) {
        e = this.entry(t, lang, stop);
        cache.set(t, e);
      }
      if (e === null) continue;
      const sid = (e.stemId ??= this.termId(e.stem));
      stemIds.push(sid);
      add(sid);
      if (e.parts) {
        e.partIds ??= e.parts.map((p) => this.termId(p));
        for (const pid of e.partIds) add(pid);
      }
    }
    for (let i = 1; i < stemIds.length; i++) {
      const a = stemIds[i - 1];
      const b = stemIds[i];
      let right = this.bigramIds.get(a);
      if (!right) this.bigramIds.set(a, (right = new Map()));
      let id = right.get(b);
      if (id === undefined) {
        id = this.termId(`${this.terms[a]}_${this.terms[b]}`);
        right.set(b, id);
      }
      add(id);
    }
    return Int32Array.from(out);
  }

  /** per language: word id (of `idOwner`'s strings) → featureIds' entry; cleared with tokenCache */
  private idCache = new Map<string, Array<TokenEntry | null | undefined>>();
  private idOwner: readonly string[] | null = null;

  /**
   * featureIds for words given as ids into `strings` (a Reader's interned words): the same
   * features in the same order, looked up by id instead of by string.
   */
  featureIdsOf(words: Int32Array, strings: readonly string[], lang: string): Int32Array {
    if (this.idOwner !== strings) {
      this.idOwner = strings;
      this.idCache.clear();
    }
    const stop = lang === 'de' ? STOPWORDS.de : lang === 'en' ? STOPWORDS.en : STOPWORDS_ANY;
    let cache = this.tokenCache.get(lang);
    if (!cache) this.tokenCache.set(lang, (cache = new Map()));
    let byId = this.idCache.get(lang);
    if (!byId) this.idCache.set(lang, (byId = []));
    const stamp = ++this.stamp;
    // Scratch: the answer's distinct feature ids in order (at most 2 per word for stem and parts…
    // bounded below by growing), and its stem ids for the bigrams.
    let n = 0;
    let s = 0;
    if (this.stemScratch.length < words.length) this.stemScratch = new Int32Array(words.length * 2);
    const stems = this.stemScratch;
    for (let w = 0; w < words.length; w++) {
      const wid = words[w];
      let e = byId[wid];
      if (e === undefined) {
        const t = strings[wid];
        e = cache.get(t);
        if (e === undefined) {
          e = this.entry(t, lang, stop);
          cache.set(t, e);
        }
        byId[wid] = e;
      }
      if (e === null) continue;
      const sid = (e.stemId ??= this.termId(e.stem));
      stems[s++] = sid;
      n = this.addId(sid, stamp, n);
      if (e.parts) {
        e.partIds ??= e.parts.map((p) => this.termId(p));
        for (const pid of e.partIds) n = this.addId(pid, stamp, n);
      }
    }
    for (let i = 1; i < s; i++) {
      const a = stems[i - 1];
      const b = stems[i];
      let id = this.bigramTable.get(a, b);
      if (id === PairTable.NONE) {
        id = this.termId(`${this.terms[a]}_${this.terms[b]}`);
        this.bigramTable.set(a, b, id);
      }
      n = this.addId(id, stamp, n);
    }
    return this.outScratch.slice(0, n);
  }

  private stemScratch = new Int32Array(64);
  private outScratch = new Int32Array(256);
  /** (stem id, stem id) → bigram term id, for featureIdsOf */
  private readonly bigramTable = new PairTable();

  /** Appends id to outScratch[n] unless already there for this stamp; returns the new length. */
  private addId(id: number, stamp: number, n: number): number {
    if (id >= this.seen.length) {
      const grown = new Int32Array(Math.max(id + 1, this.seen.length * 2));
      grown.set(this.seen);
      this.seen = grown;
    }
    if (this.seen[id] === stamp) return n;
    this.seen[id] = stamp;
    if (n >= this.outScratch.length) {
      const grown = new Int32Array(this.outScratch.length * 2);
      grown.set(this.outScratch);
      this.outScratch = grown;
    }
    this.outScratch[n] = id;
    return n + 1;
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.termIds.set(term, id);
      this.terms.push(term);
    }
    return id;
  }

  private entry(t: string, lang: string, stop: Set<string>): TokenEntry | null {
    if (isNumeric(t) || (t.length < 2 && !isEmoji(t)) || stop.has(t) || STOPWORDS_ANY.has(t)) return null;
    const stem = this.stem(t, lang);
    let parts: string[] | null = null;
    if (lang !== 'en') {
      const split = this.splitCompound(t);
      if (split) parts = split.map((p) => this.stem(p, 'de'));
    }
    return { stem, parts };
  }
}

interface TokenEntry {
  stem: string;
  /** Stems of the compound's parts (German and other non-English answers), or null. */
  parts: string[] | null;
  stemId?: number;
  partIds?: number[];
}
