import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import type mongoose from 'mongoose';
import { BUILTIN_CODEBOOK, type AnalysisResult } from '../analysis/index.js';
import type { RunView } from '../analysis-runs/analysis-run.service.js';
import { codeNames } from '../analysis-runs/summary-view.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { boardCorrectionCounts, responseIdOf, runRespondents, segmentContext, type LatestAnalysis } from '../reports/report-data.js';
import { loadCuration } from '../reports/report-curation.service.js';
import { buildReport, codebookVersionOf, namesOf, segmentLabeller } from '../reports/report.service.js';
import { DEFAULT_MIN_GROUP_SIZE, LANGUAGE_DIMENSION, planDimensions, planFor, type DisclosurePlan } from '../shared/anonymity.js';
import { CODE_FIELD, loadCodeLookup, type CodeTable } from '../analysis-runs/code-index.js';
import { pick, translator, type Lang, type Translate } from '../shared/i18n/index.js';
import type { CsvColumn, CsvRow } from './csv.js';
import { entriesOf } from '../db/mongo.js';
import { streamParticipants } from '../participants/participant.queries.js';
import { streamResponses } from '../responses/response.queries.js';
import { buildClosedData, questionFigures, type ClosedAnswerRow } from '../dashboard/closed-figures.js';
import { allowsOther, closedAnswerCell, closedAnswerText, isClosed, type AnswerShape, type ClosedFormatting, type QuestionShape } from '../campaigns/question-types.js';

/**
 * Respondent pseudonyms: a keyed hash of the response id, stable across exports of one campaign
 * (so answer rows, requirement evidence and the JSON can be joined) but not reversible. Response
 * ids themselves can carry a client's submission id (API) and are never exported.
 */
export function pseudonymiser(secret: string, campaignId: string): (responseId: string) => string {
  return (responseId) => `R-${createHmac('sha256', secret).update(`${campaignId}\u0000${responseId}`).digest('base64url').slice(0, 12)}`;
}

/** `<responseId>:<questionKey>` → `<pseudonym>:<questionKey>`. */
export function pseudonymousAnswerId(pseudo: (id: string) => string, answerId: string): string {
  const rid = responseIdOf(answerId);
  return `${pseudo(rid)}${answerId.slice(rid.length)}`;
}

interface ResponseRow {
  _id: string;
  lang: string;
  segments?: unknown;
  answers?: unknown;
  submittedAt?: Date;
  participantId?: mongoose.Types.ObjectId;
}

/**
 * Responses per cursor batch of the answers export. Small on purpose (measured with bench:export,
 * docs/PERFORMANCE.md): the driver holds a batch's reply buffer and its decoded documents while the
 * batch is worked through, and at 500 responses (~0.7 MB of BSON, hundreds of milliseconds of
 * work) they lived long enough to be promoted to V8's old generation, which grew by tens of MB
 * per export until a full collection. 100 costs a few more round trips to the database.
 */
const CURSOR_BATCH = 100;

export interface ExportContext {
  campaign: Campaign;
  lang: Lang;
  secret: string;
  analysis: LatestAnalysis | null;
}

/** The answers export reads the run's code index, not its analysis result. */
type AnswersContext = Omit<ExportContext, 'analysis'> & { run: RunView | null };

/**
 * Columns and rows of the answers export (one row per answered question).
 *
 * ONE pass over the campaign's responses (on FerretDB every filter but `{_id}` reads the whole
 * collection, so a second pass for the anonymity plan would double the time). Identified
 * campaigns stream every row at once. In anonymous campaigns which segment values a row may
 * show depends on the whole population (src/shared/anonymity.ts: the plan is made over all
 * respondents), so rows are held back in a private temporary file (mode 0600, deleted
 * afterwards) and written once the plan is known; a value the plan does not offer becomes
 * "other". Memory stays flat: one batch of responses, the population as shared objects, the
 * run's code table (code-index.ts: distinct values and int32 cells, no string per answer).
 */
export async function answersExport(ec: AnswersContext): Promise<{ columns: CsvColumn[]; rows: AsyncIterable<CsvRow[]> }> {
  const { campaign, lang } = ec;
  const t = translator(lang);
  const labels = segmentLabeller(campaign, lang);
  const identified = campaign.anonymity === 'identified';
  return { columns: answerColumns(t, labels, identified, closedColumns(campaign, lang, t)), rows: answerRows(ec, t, labels, identified) };
}

type Labeller = ReturnType<typeof segmentLabeller>;

/**
 * The closed questions' columns (issue 17): one per closed question — the scale value, the
 * chosen labels joined with "; ", the ranking's labels in order joined with " > " — and one for
 * the "other, namely …" text where a question offers it. Each row of a respondent carries their
 * closed answers, so answers can be sorted or filtered by them.
 */
interface ClosedColumn {
  label: string;
  q: QuestionShape;
  /** The "other" text column of `q` (else its value column). */
  other: boolean;
}

function closedColumns(campaign: Campaign, lang: Lang, t: Translate): ClosedColumn[] {
  const out: ClosedColumn[] = [];
  for (const q of campaign.questions) {
    if (!isClosed(q)) continue;
    const name = `${q.key}: ${shortText(pick(q.prompt, lang))}`;
    out.push({ label: name, q, other: false });
    if (allowsOther(q)) out.push({ label: `${q.key}: ${t('exports.col.other_text')}`, q, other: true });
  }
  return out;
}

/** Up to ~60 characters of a question for a column header. */
function shortText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= 60 ? flat : `${flat.slice(0, 57).replace(/\s+\S*$/, '')} …`;
}

function answerColumns(t: Translate, labels: Labeller, identified: boolean, closed: ClosedColumn[]): CsvColumn[] {
  return [
    { label: t('exports.col.respondent') },
    ...(identified ? [{ label: t('exports.col.participant') }, { label: t('exports.col.submitted') }] : []),
    { label: t('exports.col.question') },
    { label: t('exports.col.question_text') },
    { label: t('exports.col.language') },
    ...labels.columns().map((k) => ({ label: labels.column(k) })),
    { label: t('exports.col.answer') },
    { label: t('exports.col.channels') },
    { label: t('exports.col.themes') },
    { label: t('exports.col.challenge_type') },
    { label: t('exports.col.challenge_confidence') },
    { label: t('exports.col.features') },
    { label: t('exports.col.cluster') },
    { label: t('exports.col.codes') },
    ...closed.map((c) => ({ label: c.label })),
  ];
}

/** Rows leave in batches; streamCsv turns each batch into CSV text as soon as it arrives. */
const ROW_BATCH = 256;

/**
 * The rows, in order: read the population in one pass (identified campaigns' rows go out during
 * it), make the disclosure plan over the whole population, then write the rows held back.
 */
async function* answerRows(ec: AnswersContext, t: Translate, labels: Labeller, identified: boolean): AsyncGenerator<CsvRow[]> {
  const { campaign, lang } = ec;
  const participants = identified ? await participantNames(campaign._id) : new Map<string, string>();
  const index = ec.run ? await loadCodeLookup(ec.run.id) : undefined;
  const rowsOf = answerRowMaker({
    pseudo: pseudonymiser(ec.secret, String(campaign._id)),
    identified,
    participants,
    questions: campaign.questions.map((q) => ({ key: q.key, text: pick(q.prompt, lang), closed: isClosed(q) ? q : undefined })),
    closed: closedColumns(campaign, lang, t),
    format: { lang, other: t('exports.other_choice') },
    codes: codeCells(index, lang, t),
  });
  const book = new SegmentBook(labels, t('exports.other'));
  const dir = await mkdtemp(path.join(tmpdir(), 'wv-export-'));
  const held = new HeldBackRows(path.join(dir, 'held-back.ndjson'));
  try {
    yield* inBatches(readResponses(campaign, identified, book, rowsOf, held));
    if (!held.used) return;
    await held.close();
    const plan = disclosurePlan(book, campaign);
    yield* inBatches(heldBackRows(held, plan, book, rowsOf));
  } finally {
    held.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Identified campaigns only: who answered (the participant's name and e-mail). */
async function participantNames(campaignId: Campaign['_id']): Promise<Map<string, string>> {
  const participants = new Map<string, string>();
  for await (const p of streamParticipants<{ _id: unknown; email?: string; name?: string }>(campaignId, { email: 1, name: 1 })) participants.set(String(p._id), p.name && p.email ? `${p.name} <${p.email}>` : (p.name || p.email || ''));
  return participants;
}

/** The run's codes of each answer, as export cells. */
interface CodeCells {
  table: CodeTable | undefined;
  /** Code ids `a;b` → their names, `Name A, Name B`. */
  namesOf(v: number): string;
  typeOf(v: number): string;
  confidenceOf(v: number): number | '';
  /** All code ids of an answer (channels, themes, features), `a; b; c`. */
  codeIds(line: number): string;
}

/** Cells derived from one distinct index value, computed once per value (not once per row). */
function codeCells(index: Awaited<ReturnType<typeof loadCodeLookup>> | undefined, lang: Lang, t: Translate): CodeCells {
  const names = codeNames(BUILTIN_CODEBOOK);
  for (const [id, name] of Object.entries(index?.names ?? {})) names.set(id, name);
  const codeName = (id: string) => pick(names.get(id) ?? { de: id, en: id }, lang);
  const table = index?.table;
  const values = table?.values ?? [];
  const nameCells: Array<string | undefined> = [];
  const idCells: Array<string | undefined> = [];
  const typeCells: Array<string | undefined> = [];
  const confidenceCells: Array<number | '' | undefined> = [];
  /** Code ids `a;b` → `a; b`. */
  const idsOf = (v: number) => (idCells[v] ??= values[v] ? values[v].split(';').join('; ') : '');
  const codeGroups = [CODE_FIELD.channels, CODE_FIELD.themes, CODE_FIELD.features] as const;
  return {
    table,
    namesOf: (v) => (nameCells[v] ??= values[v] ? values[v].split(';').map(codeName).join(', ') : ''),
    typeOf: (v) => (typeCells[v] ??= values[v] ? t(`exports.type.${values[v] as 'technical' | 'cultural'}`) : ''),
    confidenceOf: (v) => (confidenceCells[v] ??= values[v] === '' ? '' : Number(values[v])),
    codeIds(line) {
      let out = '';
      for (const f of codeGroups) {
        const ids = idsOf(table!.valueId(line, f));
        if (ids) out = out ? `${out}; ${ids}` : ids;
      }
      return out;
    },
  };
}

/** One response as the export needs it, in the pass and in the held-back file (a JSON array); `closed`: the closed answers by question key. */
type ResponseLine = [rid: string, lang: string, segmentKey: string, participantId: string, submittedAt: string, texts: Record<string, string>, closed?: Record<string, AnswerShape>];

/** The rows of one response: one per answered question, with the given segment cells. */
type RowMaker = (response: ResponseLine, segmentCells: string[]) => CsvRow[];

function answerRowMaker(c: {
  pseudo: (responseId: string) => string;
  identified: boolean;
  participants: Map<string, string>;
  questions: Array<{ key: string; text: string; closed?: QuestionShape }>;
  closed: ClosedColumn[];
  format: ClosedFormatting;
  codes: CodeCells;
}): RowMaker {
  const { codes } = c;
  const table = codes.table;
  return ([rid, rlang, , participantId, submittedAt, texts, closed = {}], segmentCells) => {
    const rows: CsvRow[] = [];
    const who = c.pseudo(rid);
    const identity = c.identified ? [participantId ? (c.participants.get(participantId) ?? participantId) : '', submittedAt] : [];
    const closedCells = c.closed.map((col) => (col.other ? (closed[col.q.key]?.text ?? '') : closedAnswerCell(col.q, closed[col.q.key], c.format)));
    for (const q of c.questions) {
      // A closed answer's row shows it as one line ("7", "Teams; Other: Fax", "A > B > C").
      const text = q.closed ? (closed[q.key] ? closedAnswerText(q.closed, closed[q.key], c.format) : undefined) : texts[q.key];
      if (text === undefined || text === '') continue;
      const line = table ? table.find(rid, q.key) : -1;
      if (line < 0) {
        rows.push([who, ...identity, q.key, q.text, rlang, ...segmentCells, text, '', '', '', '', '', '', '', ...closedCells]);
        continue;
      }
      rows.push([
        who,
        ...identity,
        q.key,
        q.text,
        table!.value(line, CODE_FIELD.lang) || rlang,
        ...segmentCells,
        text,
        codes.namesOf(table!.valueId(line, CODE_FIELD.channels)),
        codes.namesOf(table!.valueId(line, CODE_FIELD.themes)),
        codes.typeOf(table!.valueId(line, CODE_FIELD.challengeType)),
        codes.confidenceOf(table!.valueId(line, CODE_FIELD.confidence)),
        codes.namesOf(table!.valueId(line, CODE_FIELD.features)),
        table!.value(line, CODE_FIELD.cluster),
        codes.codeIds(line),
        ...closedCells,
      ]);
    }
    return rows;
  };
}

/**
 * The respondents' segment values, each distinct combination kept once and shared: the
 * population the disclosure plan is made over (combination and language) and the cells a
 * combination shows.
 */
class SegmentBook {
  private readonly shared = new Map<string, Record<string, string>>();
  private readonly withLanguage = new Map<string, Record<string, string>>();
  readonly population: Array<Record<string, string>> = [];
  private readonly keys: string[];

  constructor(
    private readonly labels: Labeller,
    private readonly other: string,
  ) {
    this.keys = labels.columns();
  }

  /** Adds one respondent; returns the key of their combination of segment values. */
  add(segments: unknown, lang: string): string {
    const segs = Object.fromEntries(entriesOf(segments).filter(([, v]) => typeof v === 'string' && v !== '')) as Record<string, string>;
    const key = JSON.stringify(Object.entries(segs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let obj = this.shared.get(key);
    if (!obj) this.shared.set(key, (obj = segs));
    // The plan's population: segment values and the response's language (shared objects).
    const langKey = `${key}|${lang}`;
    let person = this.withLanguage.get(langKey);
    if (!person) this.withLanguage.set(langKey, (person = { ...obj, [LANGUAGE_DIMENSION]: String(lang ?? '') }));
    this.population.push(person);
    return key;
  }

  segments(key: string): Record<string, string> {
    return this.shared.get(key) ?? {};
  }

  /** The segment cells of a combination, showing only the values in `shown`. */
  cells(key: string, shown: Record<string, string>): string[] {
    const segs = this.segments(key);
    // Below the threshold (alone or in combination): the value becomes "other".
    return this.keys.map((k) => (!segs[k] ? '' : shown[k] === segs[k] ? this.labels.value(k, segs[k]) : this.other));
  }
}

/**
 * The one pass over the campaign's responses: each joins the population; an identified
 * campaign's rows are yielded at once (every value shown), an anonymous campaign's are held back
 * because the plan needs the whole population first.
 */
async function* readResponses(campaign: Campaign, identified: boolean, book: SegmentBook, rowsOf: RowMaker, held: HeldBackRows): AsyncGenerator<CsvRow[]> {
  // Only the fields a row needs: the text of each question's answer (not its mode, dates or a
  // video's transcript cues), so less is decoded per response.
  const fields: Record<string, 1> = { lang: 1, segments: 1, ...(identified ? { submittedAt: 1, participantId: 1 } : {}) };
  for (const q of campaign.questions) {
    fields[`answers.${q.key}.text`] = 1;
    if (isClosed(q)) Object.assign(fields, { [`answers.${q.key}.value`]: 1, [`answers.${q.key}.choices`]: 1, [`answers.${q.key}.ranking`]: 1 });
  }
  const closedKeys = new Set(campaign.questions.filter((q) => isClosed(q)).map((q) => q.key));
  const fullCells = new Map<string, string[]>();
  const cursor = streamResponses<ResponseRow>(campaign._id, fields, CURSOR_BATCH);
  try {
    for await (const r of cursor) {
      const key = book.add(r.segments, r.lang);
      const texts: Record<string, string> = {};
      const closed: Record<string, AnswerShape> = {};
      for (const [k, a] of entriesOf(r.answers)) {
        if (closedKeys.has(k)) {
          const ans = a as AnswerShape | undefined;
          if (ans) closed[k] = { ...(typeof ans.value === 'number' ? { value: ans.value } : {}), ...(ans.choices?.length ? { choices: ans.choices } : {}), ...(ans.ranking?.length ? { ranking: ans.ranking } : {}), ...(ans.text ? { text: ans.text } : {}) };
          continue;
        }
        const text = (a as { text?: unknown } | undefined)?.text;
        if (typeof text === 'string' && text.trim()) texts[k] = text;
      }
      const participantId = identified && r.participantId ? String(r.participantId) : '';
      const submittedAt = identified && r.submittedAt ? new Date(r.submittedAt).toISOString() : '';
      const line: ResponseLine = [String(r._id), r.lang, key, participantId, submittedAt, texts, closed];
      if (identified) {
        // Stream the rows now, while the cursor reads on.
        let cells = fullCells.get(key);
        if (!cells) fullCells.set(key, (cells = book.cells(key, book.segments(key))));
        yield rowsOf(line, cells);
      } else {
        await held.write(line);
      }
    }
  } finally {
    await cursor.return(undefined).catch(() => undefined);
  }
}

/** The plan of src/shared/anonymity.ts over the complete population, which is then let go. */
function disclosurePlan(book: SegmentBook, campaign: Campaign): DisclosurePlan {
  const plan = planFor(book.population, planDimensions(campaign), campaign.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE);
  book.population.length = 0;
  return plan;
}

/** The held-back rows, each segment value shown only where the plan offers it. */
async function* heldBackRows(held: HeldBackRows, plan: DisclosurePlan, book: SegmentBook, rowsOf: RowMaker): AsyncGenerator<CsvRow[]> {
  const decided = new Map<string, string[]>();
  for await (const line of held.read()) {
    const key = line[2];
    let cells = decided.get(key);
    if (!cells) decided.set(key, (cells = book.cells(key, plan.visible(book.segments(key)))));
    yield rowsOf(line, cells);
  }
}

/** Each response's rows, gathered into batches of at least ROW_BATCH rows (the last may be smaller). */
async function* inBatches(rows: AsyncIterable<CsvRow[]>): AsyncGenerator<CsvRow[]> {
  const batch: CsvRow[] = [];
  for await (const some of rows) {
    for (const row of some) batch.push(row);
    if (batch.length >= ROW_BATCH) yield batch.splice(0);
  }
  if (batch.length) yield batch.splice(0);
}

/**
 * Responses of an anonymous campaign wait here until the plan is known: JSON lines in a private
 * temporary file (mode 0600), created with the first one. The caller removes the file's folder.
 */
class HeldBackRows {
  private out: WriteStream | undefined;
  private error: Error | undefined;

  constructor(private readonly file: string) {}

  get used(): boolean {
    return this.out !== undefined;
  }

  async write(line: ResponseLine): Promise<void> {
    if (!this.out) {
      this.out = createWriteStream(this.file, { mode: 0o600 });
      // Never an unhandled 'error' (it would end the process): a write still under way when
      // the client leaves and the stream is destroyed fails with ERR_STREAM_DESTROYED; a failed
      // write (disk full) is thrown by the next write or by close().
      this.out.on('error', (err: Error) => {
        this.error ??= err;
      });
    }
    if (this.error) throw this.error;
    if (!this.out.write(`${JSON.stringify(line)}\n`)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    if (!this.out) return;
    this.out.end();
    await finished(this.out);
  }

  async *read(): AsyncGenerator<ResponseLine> {
    const lines = createInterface({ input: createReadStream(this.file, { encoding: 'utf8', highWaterMark: 256 * 1024 }), crlfDelay: Infinity });
    for await (const line of lines) if (line) yield JSON.parse(line) as ResponseLine;
  }

  destroy(): void {
    this.out?.destroy();
  }
}

/**
 * Columns and rows of the requirements export: the report's requirements as stakeholders read
 * them (the lead's curation applied: titles, priorities, merges, hidden quotes, the action plan),
 * anonymity applied.
 */
export async function requirementsExport(ec: ExportContext & { analysis: NonNullable<ExportContext['analysis']> }): Promise<{ columns: CsvColumn[]; rows: AsyncIterable<CsvRow[]> }> {
  const { campaign, lang } = ec;
  const t = translator(lang);
  const id = campaign._id;
  const [ctx, curation, board] = await Promise.all([segmentContext(campaign, { run: runRespondents(ec.analysis.result) }), loadCuration(id), boardCorrectionCounts(id, ec.analysis.run)]);
  const report = buildReport(campaign, ec.analysis.run, ec.analysis.result, ctx, lang, { codebook: ec.analysis.codebook, board, curation });
  const columns: CsvColumn[] = [
    { label: t('exports.col.priority') },
    { label: t('exports.col.requirement') },
    { label: t('exports.col.kind') },
    { label: t('exports.col.source') },
    { label: t('exports.col.code') },
    { label: t('exports.col.people') },
    { label: t('exports.col.share') },
    { label: t('exports.col.segments') },
    { label: t('exports.col.evidence') },
    { label: t('report.plan.col.owner') },
    { label: t('report.plan.col.due') },
  ];
  const byId = new Map(ec.analysis.result.requirements.map((r) => [r.id, r]));
  async function* rows() {
    // A report has tens of requirements: one batch.
    const batch: CsvRow[] = [];
    for (const group of report.requirements) {
      for (const r of group.items) {
        const segments = r.segments.map((s) => `${s.label}: ${s.values.map((v) => `${v.label} (${v.count})`).join(', ')}`).join('\n');
        const evidence = r.evidence.map((e) => `„${e.quote}“${e.attribution.length ? ` — ${e.attribution.join(', ')}` : ''}`).join('\n');
        const source = r.problem !== undefined && r.wish !== undefined ? t('report.req.problem_wish', { problem: r.problem, wish: r.wish }) : t(`report.req.source.${r.source}`);
        const raw = byId.get(r.id);
        batch.push([
          t(`report.req.priority.${r.priority}`),
          r.title,
          t(`report.req.kind.${r.kind}`),
          source,
          (raw?.codes?.length ? raw.codes : raw ? [raw.source.code] : []).concat(r.merged.flatMap((m) => byId.get(m.id)?.codes ?? [byId.get(m.id)?.source.code ?? ''])).filter((c, i, a) => c && a.indexOf(c) === i).join('; '),
          r.respondents,
          r.percent / 100,
          segments,
          evidence,
          r.owner ?? '',
          r.due ?? '',
        ]);
      }
    }
    yield batch;
  }
  return { columns, rows: rows() };
}

/**
 * The whole analysis as JSON, anonymity applied: respondent and answer ids pseudonymised,
 * requirement segments and per-segment balances below the threshold merged into "other",
 * evidence and cluster quotes of deleted responses left out. Streamed piece by piece: the
 * answers array is written one element at a time.
 */
export async function* analysisJson(ec: ExportContext & { analysis: NonNullable<ExportContext['analysis']> }): AsyncGenerator<string> {
  const { campaign } = ec;
  const { run, result } = ec.analysis;
  const ctx = await segmentContext(campaign, { run: runRespondents(result) });
  const pseudo = pseudonymiser(ec.secret, String(campaign._id));
  const aid = (id: string) => pseudonymousAnswerId(pseudo, id);
  const exists = (answerId: string) => ctx.byResponse.has(responseIdOf(answerId));
  const min = ctx.minGroupSize;
  const plan = ctx.plan;

  // Segment values among a set of respondents that the anonymity plan offers; `<segment>=other`
  // says that some of them have a value that is not offered (no count).
  const segmentsOf = (who: Set<string>): string[] => {
    const out = new Set<string>();
    for (const id of who)
      for (const [k, v] of Object.entries(ctx.byResponse.get(id) ?? {})) out.add(plan.offers(k, v) ? `${k}=${v}` : `${k}=other`);
    return [...out].sort();
  };
  const whoBySource = new Map<string, Set<string>>();
  for (const a of result.answers) {
    const who = a.respondent ?? responseIdOf(a.id);
    const keys = a.role === 'future' ? (a.features ?? []).map((c) => `features:${c}`) : a.role === 'challenges' ? (a.themes ?? []).map((c) => `challenges:${c}`) : [];
    for (const k of keys) {
      if (!whoBySource.has(k)) whoBySource.set(k, new Set());
      whoBySource.get(k)!.add(who);
    }
  }
  // Below the minimum in total, no aggregate leaves (the dashboard and report show none either).
  const requirements = plan.tooFew
    ? []
    : result.requirements.map((r) => ({
        ...r,
        segments: segmentsOf(whoBySource.get(`${r.source.group}:${r.source.code}`) ?? new Set()),
        evidence: r.evidence.filter((e) => exists(e.id)).map((e) => ({ id: aid(e.id), quote: e.quote })),
      }));
  const clusters = plan.tooFew ? [] : result.clusters.map((c) => ({ ...c, quotes: c.quotes.filter((q) => exists(q.id)).map((q) => ({ id: aid(q.id), text: q.text })) }));
  // Balances per segment value: only offered values (a value that is not offered is not merged
  // into an "other" row either: without the people who gave no value it would not be a union of
  // the plan's groups).
  const bySegment: Record<string, Record<string, unknown>> = {};
  for (const [col, values] of Object.entries(result.summary.challengeBalanceBySegment ?? {})) {
    const shown: Record<string, unknown> = {};
    for (const [key, b] of Object.entries(values)) if (plan.offers(col, key)) shown[key] = b;
    bySegment[col] = shown;
  }
  const head = {
    format: 'workplace-voice.analysis/1',
    campaign: { id: String(campaign._id), title: campaign.title, anonymity: campaign.anonymity ?? 'anonymous', minGroupSize: min },
    run: { id: run.id, finishedAt: run.finishedAt ?? null, responses: run.responses ?? null, answers: run.answers ?? null },
    codebookVersion: ec.analysis.codebook?.version || codebookVersionOf(result),
    corrections: ec.analysis.corrections,
    // Code id → names of the codebook the run used (built-in, with theme-board renames and new codes).
    codes: Object.fromEntries(namesOf(ec.analysis.codebook)),
    summary: plan.tooFew
      ? { answers: result.summary.answers, respondents: result.summary.respondents, withheld: { min: plan.min } }
      : { ...result.summary, challengeBalanceBySegment: bySegment },
    requirements,
    clusters,
  };
  const headJson = JSON.stringify(head, null, 1);
  yield `${headJson.slice(0, -2)},\n "answers": [`;
  let first = true;
  let chunk: string[] = [];
  for (const a of result.answers) {
    const out = { ...a, id: aid(a.id), respondent: a.respondent ? pseudo(a.respondent) : undefined };
    chunk.push(`${first ? '\n' : ',\n'}  ${JSON.stringify(out)}`);
    first = false;
    if (chunk.length >= 500) {
      yield chunk.join('');
      chunk = [];
    }
  }
  if (chunk.length) yield chunk.join('');
  if (!campaign.questions.some((q) => isClosed(q))) {
    yield '\n ]\n}\n';
    return;
  }
  yield '\n ],\n';
  yield* closedJson(campaign, pseudo, plan.tooFew ? Infinity : min);
  yield '}\n';
}

/**
 * The closed questions in the JSON export (issue 17): `closedQuestions` — each question's
 * definition and its figures over all submitted responses (distribution, mean and median; counts
 * per choice; mean rank per item), none below the minimum number of answers — and
 * `closedAnswers`, one entry per answered closed question with the respondent's pseudonym (the
 * same as in `answers` and in the answers CSV), streamed.
 */
async function* closedJson(campaign: Campaign, pseudo: (id: string) => string, min: number): AsyncGenerator<string> {
  const closed = campaign.questions.filter((q) => isClosed(q));
  const fields: Record<string, 1> = { lang: 1, segments: 1 };
  for (const q of closed) Object.assign(fields, { [`answers.${q.key}.value`]: 1, [`answers.${q.key}.choices`]: 1, [`answers.${q.key}.ranking`]: 1, [`answers.${q.key}.text`]: 1 });
  const rows: ClosedAnswerRow[] = [];
  const entries: string[] = [];
  for await (const r of streamResponses<{ _id: string; lang?: string; segments?: Record<string, string>; answers?: Record<string, AnswerShape> }>(campaign._id, fields, CURSOR_BATCH)) {
    const answers = r.answers ?? {};
    rows.push({ id: String(r._id), lang: String(r.lang ?? ''), segments: {}, answers });
    for (const q of closed) {
      const a = answers[q.key];
      if (!a || !(typeof a.value === 'number' || a.choices?.length || a.ranking?.length)) continue;
      entries.push(
        JSON.stringify({
          respondent: pseudo(String(r._id)),
          question: q.key,
          ...(typeof a.value === 'number' ? { value: a.value } : {}),
          ...(a.choices?.length ? { choices: a.choices } : {}),
          ...(a.ranking?.length ? { ranking: a.ranking } : {}),
          ...(a.text ? { text: a.text } : {}),
        }),
      );
    }
  }
  const data = buildClosedData({ questions: closed, segments: [] }, rows);
  const all = new Uint8Array(rows.length).fill(1);
  const questions = data.questions.map((qd) => {
    const q = closed.find((x) => x.key === qd.key)!;
    const { key: _key, type: _type, ...figures } = questionFigures(qd, all, min);
    return {
      key: q.key,
      type: qd.type,
      prompt: { de: q.prompt?.de ?? '', en: q.prompt?.en ?? '' },
      ...(q.scale ? { scale: { min: q.scale.min, max: q.scale.max, minLabel: q.scale.minLabel, maxLabel: q.scale.maxLabel } } : {}),
      ...(q.options ? { options: q.options.map((o) => ({ key: o.key, label: o.label })) } : {}),
      ...(allowsOther(q) ? { allowOther: true } : {}),
      figures,
    };
  });
  yield ` "closedQuestions": ${JSON.stringify(questions)},\n "closedAnswers": [`;
  for (let i = 0; i < entries.length; i += 500) yield entries.slice(i, i + 500).map((e, j) => `${i + j === 0 ? '\n' : ',\n'}  ${e}`).join('');
  yield '\n ]\n';
}
