import mongoose from 'mongoose';
import type { AnalysisResult, AnsweredCodes, Moscow, Requirement, RequirementEvidence } from '../../src/analysis/index.js';
import { AnalysisResultModel, AnalysisRunModel } from '../../src/analysis-runs/analysis-run.model.js';
import { changeStatus, createCampaign, type Campaign } from '../../src/campaigns/campaign.service.js';
import { campaignInputSchema } from '../../src/campaigns/campaign.schemas.js';
import { interviewTemplate } from '../../src/campaigns/interview-template.js';
import { ResponseModel } from '../../src/responses/response.model.js';
import { createFromApi } from '../../src/responses/response.service.js';

/**
 * A campaign with a STORED analysis run in the engine's newer contract (merged needs, rationale,
 * acceptance criteria, problem/wish counts, sentence evidence with offsets, confidence and
 * language) or the older one (one requirement per code, quotes without offsets). The report is
 * tested against these fixed results, so its tests do not depend on how the engine (rewritten
 * in parallel) codes the answers.
 *
 * 14 people: 7 in Sales/Hamburg answering in German, 7 in IT/Hamburg answering in English.
 * Respondent 3's challenge answer is a video with a timed transcript.
 */

const DE_Q3_LEAD = 'Ich finde nichts.';
export const DE_Q3_EVIDENCE = 'Dokumente liegen in vier Systemen verstreut, und keiner weiß, wo die aktuelle Version ist.';
const DE_Q3 = `${DE_Q3_LEAD} ${DE_Q3_EVIDENCE}`;
const DE_Q4 = 'Eine Suche über alle Systeme, die auch Anhänge findet. Und Schulungen in kleinen Häppchen.';
const EN_Q3_LEAD = 'Honestly, most things are fine.';
export const EN_Q3_EVIDENCE = 'Finding the right file across SharePoint, Confluence and the file shares takes ages.';
const EN_Q3 = `${EN_Q3_LEAD} ${EN_Q3_EVIDENCE}`;
const EN_Q4 = 'One search box for everything, including Confluence. Offline sync on the train would be nice.';

export interface StoredRunFixture {
  campaign: Campaign;
  /** Response ids in the order created (0–6 German, 7–13 English). */
  responseIds: string[];
  result: AnalysisResult;
  runId: string;
}

function sentence(text: string, part: string): { start: number; end: number } {
  const start = text.indexOf(part);
  if (start < 0) throw new Error(`"${part}" not in "${text}"`);
  return { start, end: start + part.length };
}

/** Answers of the 14 respondents, coded the way the requirements below say. */
function answersOf(ids: string[]): { answers: AnsweredCodes[]; texts: Map<string, string> } {
  const answers: AnsweredCodes[] = [];
  const texts = new Map<string, string>();
  ids.forEach((rid, i) => {
    const de = i < 7;
    const lang = de ? 'de' : 'en';
    const q3: string[] = i < 12 ? ['findability'] : ['skills_pace'];
    const q4: string[] = ['enterprise_search'];
    if (i >= 12 || i === 5 || i === 6) q4.push('training_support');
    if (i === 13) q4.push('seamless_sync');
    const add = (q: string, role: AnsweredCodes['role'], text: string, codes: Partial<AnsweredCodes>) => {
      answers.push({ id: `${rid}:${q}`, question: q, role, lang, respondent: rid, ...codes });
      texts.set(`${rid}:${q}`, text);
    };
    add('q1', 'current_practice', de ? 'Vor allem E-Mail.' : 'Mostly e-mail.', { channels: ['email'] });
    add('q2', 'meaning', de ? 'Von überall arbeiten.' : 'Working from anywhere.', { themes: i === 0 ? ['anywhere_any_device'] : [] });
    add('q3', 'challenges', de ? DE_Q3 : EN_Q3, { themes: q3, challenge_type: 'technical' });
    add('q4', 'future', de ? DE_Q4 : EN_Q4, { features: q4 });
  });
  return { answers, texts };
}

function who(answers: AnsweredCodes[], codes: string[]): { problem: Set<string>; wish: Set<string> } {
  const problem = new Set<string>();
  const wish = new Set<string>();
  for (const a of answers) {
    if (a.role === 'challenges' && a.themes?.some((c) => codes.includes(c))) problem.add(a.respondent!);
    if (a.role === 'future' && a.features?.some((c) => codes.includes(c))) wish.add(a.respondent!);
  }
  return { problem, wish };
}

/** The newer contract: one requirement per need, q3 and q4 merged. */
function needRequirements(answers: AnsweredCodes[], texts: Map<string, string>, total: number): Requirement[] {
  const evidence = (code: string, question: 'q3' | 'q4', part: (text: string) => string, ids: string[], confidence: (i: number) => number): RequirementEvidence[] =>
    ids.map((aid, i) => {
      const text = texts.get(`${aid}:${question}`)!;
      const q = part(text);
      return { id: `${aid}:${question}`, quote: q, code, confidence: confidence(i), ...sentence(text, q), lang: answers.find((a) => a.id === `${aid}:${question}`)!.lang };
    });
  const need = (id: string, codes: string[], kind: Requirement['kind'], priority: Moscow, title: [string, string], ev: RequirementEvidence[], acceptance: Array<[string, string]>): Requirement => {
    const w = who(answers, codes);
    const all = new Set([...w.problem, ...w.wish]);
    return {
      id,
      source: { group: w.problem.size ? 'challenges' : 'features', code: codes[0] },
      codes,
      title: { de: title[0], en: title[1] },
      rationale: {
        de: `${w.problem.size} nennen es als Problem, ${w.wish.size} als Wunsch.`,
        en: `${w.problem.size} name it as a problem, ${w.wish.size} as a wish.`,
      },
      acceptance: acceptance.map(([de, en]) => ({ de, en })),
      kind,
      priority,
      respondents: all.size,
      problem: w.problem.size,
      wish: w.wish.size,
      share: all.size / total,
      segments: [],
      evidence: ev,
    };
  };
  const rids = [...new Set(answers.map((a) => a.respondent!))];
  const firstSentence = (t: string) => t.slice(0, t.indexOf('.') + 1);
  const q3Evidence = (t: string) => (t.startsWith(DE_Q3_LEAD) ? DE_Q3_EVIDENCE : EN_Q3_EVIDENCE);
  return [
    need(
      'need-findability',
      ['findability', 'enterprise_search'],
      'capability',
      'must',
      ['Dokumente aus allen vier Systemen mit einer Suche finden', 'Find documents from all four systems in one search'],
      [
        // German and English quotes alternate in confidence, so the ranking is visible.
        ...evidence('findability', 'q3', q3Evidence, [rids[2], rids[8], rids[0]], (i) => 0.95 - i * 0.05),
        ...evidence('enterprise_search', 'q4', firstSentence, [rids[1], rids[9], rids[3]], (i) => 0.8 - i * 0.05),
      ],
      [['Ein Dokument aus jedem der 4 genannten Systeme ist mit einer Suche zu finden.', 'Employees find a document from any of the 4 named systems in one search.']],
    ),
    need(
      'need-skills',
      ['skills_pace', 'training_support'],
      'enablement',
      'should',
      ['Schulung in kleinen Einheiten', 'Training in small units'],
      evidence('training_support', 'q4', (t) => t.slice(t.indexOf('.') + 2), [rids[5], rids[12]], (i) => 0.7 - i * 0.1),
      [['Jede Person hat eine Schulung von höchstens 30 Minuten besucht.', 'Everyone attended a training of 30 minutes at most.']],
    ),
    need('need-sync', ['seamless_sync'], 'capability', 'could', ['Offline arbeiten und später synchronisieren', 'Work offline and sync later'], evidence('seamless_sync', 'q4', (t) => t.slice(t.indexOf('.') + 2), [rids[13]], () => 0.6), []),
  ];
}

/** The older contract: one requirement per code, quotes without offsets, no rationale. */
function codeRequirements(answers: AnsweredCodes[], texts: Map<string, string>, total: number): Requirement[] {
  const req = (group: 'features' | 'challenges', code: string, priority: Moscow, title: [string, string]): Requirement => {
    const w = who(answers, [code]);
    const people = group === 'challenges' ? w.problem : w.wish;
    const ids = answers.filter((a) => a.role === (group === 'challenges' ? 'challenges' : 'future') && (group === 'challenges' ? a.themes : a.features)?.includes(code)).map((a) => a.id);
    return {
      id: `${group === 'features' ? 'feat' : 'chal'}-${code}`,
      source: { group, code },
      title: { de: title[0], en: title[1] },
      kind: 'capability',
      priority,
      respondents: people.size,
      share: people.size / total,
      segments: [],
      evidence: ids.slice(0, 5).map((id) => ({ id, quote: texts.get(id)!.split('. ')[0] })),
    };
  };
  return [req('features', 'enterprise_search', 'must', ['Unternehmensweite Suche', 'Enterprise search']), req('challenges', 'findability', 'must', ['Informationen auffindbar machen', 'Make information findable'])];
}

/** Stores `result` as a finished run of the campaign (what the runner's worker writes). */
export async function storeRun(campaignId: mongoose.Types.ObjectId, result: AnalysisResult, at = new Date()): Promise<string> {
  const _id = new mongoose.Types.ObjectId();
  await AnalysisRunModel.create({ _id, campaignId, activeKey: String(_id), status: 'done', stage: 'done', progress: 1, startedAt: at, finishedAt: at, responses: result.summary.respondents, answers: result.summary.answers, summary: result.summary });
  await AnalysisResultModel.collection.insertOne({ _id, campaignId, result, createdAt: at } as never);
  return String(_id);
}

export function resultFor(ids: string[], contract: 'need' | 'code'): AnalysisResult {
  const { answers, texts } = answersOf(ids);
  const total = ids.length;
  const requirements = contract === 'need' ? needRequirements(answers, texts, total) : codeRequirements(answers, texts, total);
  const balance = { technical: 12, cultural: 0, technicalShare: 1, answers: 12 };
  return {
    answers,
    clusters: [],
    requirements,
    summary: {
      answers: answers.length,
      respondents: total,
      languages: { de: 28, en: 28 },
      channels: { email: total },
      themes: {},
      features: {},
      challengeBalance: balance,
      challengeBalanceBySegment: { department: { sales: { technical: 7, cultural: 0, technicalShare: 1, answers: 7 }, it: { technical: 5, cultural: 0, technicalShare: 1, answers: 5 } } },
      rolloutReadiness: { stance: 'technical_first', de: 'Technik zuerst: die Hindernisse sind vor allem technisch.', en: 'Technology first: the obstacles are mostly technical.' },
    },
  };
}

/** The campaign, its 14 responses (one video answer with cues) and a stored run of `contract`. */
export async function storedRunCampaign(ownerId: string, contract: 'need' | 'code' = 'need'): Promise<StoredRunFixture> {
  const input = campaignInputSchema.parse({ ...interviewTemplate(), anonymity: 'anonymous', title: 'Kuratiert – Bericht' });
  const campaign = await changeStatus(String((await createCampaign(input, { ownerId }))._id), 'open');
  const responseIds: string[] = [];
  for (let i = 0; i < 14; i++) {
    const de = i < 7;
    const { response } = await createFromApi(campaign, {
      submissionId: `cur-${String(i).padStart(4, '0')}`,
      lang: de ? 'de' : 'en',
      answers: { q1: de ? 'Vor allem E-Mail.' : 'Mostly e-mail.', q2: de ? 'Von überall arbeiten.' : 'Working from anywhere.', q3: de ? DE_Q3 : EN_Q3, q4: de ? DE_Q4 : EN_Q4 },
      segments: { department: de ? 'sales' : 'it', location: 'hamburg' },
    });
    responseIds.push(response.id);
  }
  // Respondent 3 (index 2) recorded the challenge answer: the transcript is the cues' texts joined.
  await ResponseModel.collection.updateOne({ _id: responseIds[2] } as never, {
    $set: {
      'answers.q3.mode': 'video',
      'answers.q3.mediaId': 'm_AAAAAAAAAAAAAAAAAAAAAAAA',
      'answers.q3.cues': [
        { start: 0, end: 2.5, text: DE_Q3_LEAD },
        { start: 2.5, end: 9, text: DE_Q3_EVIDENCE },
      ],
    },
  });
  const result = resultFor(responseIds, contract);
  const runId = await storeRun(campaign._id as mongoose.Types.ObjectId, result, new Date(Date.now() - 60_000));
  return { campaign, responseIds, result, runId };
}
