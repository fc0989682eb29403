import { Router } from 'express';
import { getCampaign } from '../campaigns/campaign.service.js';
import { notFound } from '../shared/errors.js';
import { parseOrThrow } from '../shared/validation.js';
import { responseListQuerySchema } from './response.schemas.js';
import { mediaOfAnswers } from '../media/media.service.js';
import { getResponse, listResponses, segmentPrivacy } from './response.service.js';
import { closedAnswerText, hasAnything, isClosed, type AnswerShape, type QuestionShape } from '../campaigns/question-types.js';
import type { Response as ExpressResponse } from 'express';

/** A closed answer as one line for the lead's pages (scale value, chosen labels, ranking in order). */
function closedTextFor(res: ExpressResponse) {
  return (q: QuestionShape, a: AnswerShape | undefined) => closedAnswerText(q, a, { lang: res.locals.lang, other: res.locals.t('lead.response.closed_other') });
}

const PAGE = 25;

function pageOf(raw: unknown): number {
  const n = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return Math.max(1, n);
}

/** Lead pages for reading answers: all responses, one response, one question's answers. */
export function responsesLeadRouter(): Router {
  const router = Router();

  // GET /lead/campaigns/:id/responses
  router.get('/campaigns/:id/responses', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    const page = pageOf(req.query.page);
    const { items, total } = await listResponses(campaign._id, { status: 'submitted', limit: PAGE, skip: (page - 1) * PAGE });
    const shownSegments = await segmentPrivacy(campaign, items);
    res.render('lead/responses', {
      shownSegments,
      title: res.locals.t('lead.responses.title'),
      campaign,
      items,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / PAGE)),
      deleted: req.query.deleted === '1',
    });
  });

  // GET /lead/campaigns/:id/responses/:rid
  router.get('/campaigns/:id/responses/:rid', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    const response = await getResponse(campaign._id, req.params.rid);
    const shownSegments = await segmentPrivacy(campaign, [response]);
    // Video answers: player type and transcription status; `?t=12.5` starts the player there.
    const media = await mediaOfAnswers(response.answers);
    const t = typeof req.query.t === 'string' && /^\d{1,5}(\.\d{1,3})?$/.test(req.query.t) ? Number(req.query.t) : undefined;
    res.render('lead/response-show', {
      closedText: closedTextFor(res),
      title: res.locals.t('lead.response.title'),
      campaign,
      response,
      shownSegments,
      media,
      startAt: t,
      startKey: typeof req.query.q === 'string' ? req.query.q : undefined,
      transcriptSaved: req.query.transcript === 'saved',
    });
  });

  // GET /lead/campaigns/:id/questions/:key — every answer to one question
  router.get('/campaigns/:id/questions/:key', async (req, res) => {
    const campaign = await getCampaign(req.params.id);
    const question = campaign.questions.find((q) => q.key === req.params.key);
    if (!question) throw notFound('Question');
    const query = parseOrThrow(responseListQuerySchema, { limit: 200, skip: 0 });
    const page = pageOf(req.query.page);
    const { items, total } = await listResponses(campaign._id, { status: 'submitted', limit: query.limit, skip: (page - 1) * query.limit });
    const shownSegments = await segmentPrivacy(campaign, items);
    const closed = isClosed(question);
    const closedText = closedTextFor(res);
    const answers = items
      .filter((r) => hasAnything(question, r.answers[question.key]))
      .map((r) => ({
        id: r.id,
        lang: r.lang,
        segments: r.segments,
        // A closed question's answer reads as one line ("7", "Teams; Other: Fax", "A > B > C").
        text: closed ? closedText(question, r.answers[question.key]) : (r.answers[question.key]?.text ?? ''),
        mediaId: r.answers[question.key]?.mediaId,
      }))
      // A recording without a transcript yet is an answer too (the lead can transcribe it).
      .filter((a) => a.text || a.mediaId);
    res.render('lead/question-answers', {
      shownSegments,
      title: res.locals.t('lead.question.title'),
      campaign,
      question,
      answers,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / query.limit)),
    });
  });

  return router;
}
