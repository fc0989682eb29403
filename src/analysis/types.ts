/**
 * Plain data types of the analysis engine. Everything here is JSON-safe: the CLI writes it, the app
 * stores it as a subdocument, and the worker thread posts it back to the main thread.
 */

/** The four roles of the digital-workplace interview, plus free questions of a campaign. */
export type QuestionRole = 'current_practice' | 'meaning' | 'challenges' | 'future' | 'custom';

/** Language of an answer: German, English, or another ISO code handled generically. */
export type Lang = 'de' | 'en' | (string & {});

export type ChallengeType = 'technical' | 'cultural';

/** One answer as the engine receives it. */
export interface AnalysisAnswer {
  id: string;
  /** q1..q4 or a role name; anything else is treated as a custom question keyed by this value. */
  question: string;
  text: string;
  /** Declared language; when absent the engine detects it. */
  lang?: string;
  /** Respondent id; shares and priorities count respondents, not answers. */
  respondent?: string;
  /** Segment values (department, location, role …) used for per-segment balances and requirements. */
  segments?: Record<string, string>;
}

/** One code of a codebook. */
export interface CodeDefinition {
  id: string;
  name: { de: string; en: string };
  definition: { de: string; en: string };
  /** Example phrases (our own writing): the classifier's seed training data. */
  examples: { de: string[]; en: string[] };
  /**
   * Lexicon cues: regular-expression sources matched against the lower-cased answer text (flags `giu`).
   * They carry the deductive evidence; negation scope applies to them for channel codes.
   */
  cues?: string[];
  /** Weaker, more ambiguous cues: they count less than `cues` and need support to code alone. */
  weakCues?: string[];
  /** Only for challenge codes. */
  type?: ChallengeType;
  /** Only for feature codes: the requirement title when this feature is requested. */
  requirement?: { de: string; en: string };
  /** Only for challenge codes: the requirement (often an enablement measure) that answers it. */
  remedy?: { de: string; en: string };
}

/** A group of codes applied to the answers of one question role. */
export interface CodeGroup {
  /** The question role the group codes (custom groups may name a question key instead). */
  role: QuestionRole;
  /** For custom groups: the question key (e.g. "q5") the group applies to. */
  question?: string;
  /**
   * What the group's output field is: channels (q1), themes (q2/q3/custom), features (q4).
   * Channel groups apply negation scope ("no longer", "instead of", wishes) to their cues.
   */
  output: 'channels' | 'themes' | 'features';
  codes: CodeDefinition[];
}

/** A codebook as plain data: the built-in one, or a campaign's edited copy. */
export interface Codebook {
  version: string;
  groups: CodeGroup[];
}

/** A lead's manual correction, or any labelled answer: trains the classifier and overrides exact repeats. */
export interface Correction {
  text: string;
  /** q1..q4 or role name. */
  question: string;
  lang?: string;
  channels?: string[];
  themes?: string[];
  features?: string[];
  challenge_type?: ChallengeType;
}

export interface AnalyzeOptions {
  /** Codebook to code with; default the built-in digital-workplace codebook. */
  codebook?: Codebook;
  /** Manual corrections / labelled examples: training data for the classifier. */
  corrections?: Correction[];
  /** Language used when an answer is too short to tell; default "de". */
  campaignLanguage?: 'de' | 'en';
  /** Seed for every random choice (sampling, k-means initialisation); default 42. */
  seed?: number;
  /** Progress callback: stage name and overall fraction in [0,1]. */
  onProgress?: (stage: AnalysisStage, fraction: number) => void;
  /** Max answers per question that k-means sees; the rest are assigned to the nearest centroid. */
  clusterSampleSize?: number;
  /** Skip emergent-theme clustering (evaluation of coding only). */
  skipClustering?: boolean;
}

export type AnalysisStage = 'prepare' | 'language' | 'train' | 'coding' | 'clustering' | 'requirements' | 'done';

/** The part of an answer that carried a code: a clause, with offsets into the original answer text. */
export interface Evidence {
  code: string;
  /** the clause's text, exactly answer.text.slice(start, end) */
  text: string;
  start: number;
  end: number;
  /** the coder's confidence for this code (0–1) */
  confidence: number;
}

export interface AnsweredCodes {
  id: string;
  question: string;
  role: QuestionRole;
  lang: Lang;
  respondent?: string;
  channels?: string[];
  themes?: string[];
  /** The dominant obstacle's type; absent when the answer names no obstacle (never a default). */
  challenge_type?: ChallengeType;
  challenge_confidence?: number;
  /** q3: how technical the answer is overall (0 = cultural … 1 = technical). */
  technical_weight?: number;
  /** q3: the answer names technical and cultural obstacles of comparable weight. */
  challenge_mixed?: boolean;
  features?: string[];
  /** The coder's confidence per assigned code (0–1). */
  confidence?: Record<string, number>;
  /** Per assigned code, the clause that carried it. */
  evidence?: Evidence[];
  /** How unsure the coder is about this answer (0–1): the board's "review next" takes the highest first. */
  uncertainty?: number;
  /** Id of the emergent cluster the answer belongs to. */
  cluster?: string;
}

export interface ClusterQuote {
  id: string;
  text: string;
}

export interface EmergentCluster {
  id: string;
  question: string;
  role: QuestionRole;
  /** Most distinctive terms (surface forms, in the answers' dominant language). */
  terms: string[];
  label: string;
  lang: Lang;
  size: number;
  respondents: number;
  /** Share of the question's respondents in this cluster. */
  share: number;
  quotes: ClusterQuote[];
  /** Codes most answers of the cluster carry (empty when none). */
  codes: string[];
  /**
   * True when no code covers the cluster, it holds together (silhouette ≥ the threshold in
   * clustering/cluster.ts) and it is not just the answers the coder left uncoded.
   */
  newThemeCandidate: boolean;
  /** Mean silhouette of the cluster's (sampled) members: how well it holds together (−1…1). */
  cohesion?: number;
}

export type Moscow = 'must' | 'should' | 'could' | 'wont';

export interface RequirementEvidence {
  /** The answer's id. */
  id: string;
  /** The sentence (or clause) of the answer that carried the code, in the respondent's words. */
  quote: string;
  /** The code of the requirement this sentence was coded with. */
  code?: string;
  /** The coder's confidence for that code (0–1); evidence is ranked by it. */
  confidence?: number;
  /** Character offsets of the quote in the answer text (a stable key for curation, a seek for video). */
  start?: number;
  end?: number;
  /** Language of the answer the quote comes from. */
  lang?: string;
}

export interface Requirement {
  /** Stable across runs of a campaign (`need-<need>`): curation on the report refers to it. */
  id: string;
  /** The primary code the requirement was derived from. */
  source: { group: 'features' | 'challenges'; code: string };
  /** Every codebook code merged into this need (what people lack in q3 and wish for in q4). */
  codes?: string[];
  /** What this campaign's people need, built from the phrases of its evidence. */
  title: { de: string; en: string };
  /** One line: why (how many named it, as a problem and as a wish). */
  rationale?: { de: string; en: string };
  /** Checks a rollout team can make to see the requirement met. */
  acceptance?: Array<{ de: string; en: string }>;
  kind: 'capability' | 'enablement';
  priority: Moscow;
  /** Distinct respondents who named the need (as a problem, a wish, or both). */
  respondents: number;
  /** Of those: how many named it as a problem (q3) and how many as a wish (q4). */
  problem?: number;
  wish?: number;
  share: number;
  segments: string[];
  evidence: RequirementEvidence[];
}

export interface Balance {
  technical: number;
  cultural: number;
  /** technical / (technical + cultural); 0.5 when there are no q3 answers. */
  technicalShare: number;
  answers: number;
  /**
   * 95 % bootstrap interval of technicalShare over respondents (seeded; [0, 1] when there are no
   * typed answers). Advice for an order of the rollout is given only when it excludes 0.5.
   */
  interval?: [number, number];
  /** Answers whose obstacles are technical and cultural in comparable weight. */
  mixed?: number;
}

export interface AnalysisSummary {
  answers: number;
  respondents: number;
  languages: Record<string, number>;
  channels: Record<string, number>;
  themes: Record<string, number>;
  features: Record<string, number>;
  challengeBalance: Balance;
  /** Balance per segment column and value, e.g. { department: { IT: {...} } }. */
  challengeBalanceBySegment: Record<string, Record<string, Balance>>;
  rolloutReadiness: {
    /** technical-first, balanced, or enablement-first. */
    stance: 'technical_first' | 'balanced' | 'enablement_first';
    de: string;
    en: string;
  };
}

export interface AnalysisResult {
  answers: AnsweredCodes[];
  clusters: EmergentCluster[];
  requirements: Requirement[];
  summary: AnalysisSummary;
}
