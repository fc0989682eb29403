import { Router } from 'express';
import { z } from 'zod';
import { campaignInputSchema, statusChangeSchema } from './campaigns/campaign.schemas.js';
import { apiCreateResponseSchema } from './responses/response.schemas.js';

type JsonSchema = Record<string, unknown>;

// Request bodies come straight from the zod schemas the routes validate with, so the document
// cannot drift from what the API accepts. OpenAPI 3.1 uses JSON Schema 2020-12, as zod emits.
const body = (schema: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const localized: JsonSchema = { type: 'object', properties: { de: { type: 'string' }, en: { type: 'string' } }, required: ['de', 'en'] };

const campaign: JsonSchema = {
  type: 'object',
  required: ['id', 'title', 'status', 'languages', 'questions', 'segments', 'link', 'version'],
  properties: {
    id: { type: 'string' },
    title: { type: 'string', description: 'The title in the first campaign language (else the other); older clients may send only this' },
    description: { type: 'string' },
    titles: { ...localized, description: 'Title per language; respondents see theirs, else the other with a note. Send `titles` (and `descriptions`) or the single `title`: a `title` that is neither of `titles` replaces them as the first language\'s title' },
    descriptions: { ...localized, description: 'Description per language (empty: none in that language)' },
    languages: { type: 'array', items: { type: 'string', enum: ['de', 'en'] } },
    anonymity: { type: 'string', enum: ['anonymous', 'identified'] },
    status: { type: 'string', enum: ['draft', 'open', 'closed'] },
    link: { type: 'string', description: 'Public respondent link' },
    questions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'role', 'type', 'prompt', 'modes', 'required'],
        properties: {
          key: { type: 'string' },
          role: { type: 'string' },
          type: {
            type: 'string',
            enum: ['open', 'scale', 'single', 'multi', 'ranking'],
            description: 'open: text or video (coded by the text analysis); scale: a rating from scale.min to scale.max; single/multi: one or several of options; ranking: every option in order (at most 7)',
          },
          prompt: localized,
          modes: { type: 'array', items: { type: 'string', enum: ['text', 'video'] }, description: 'Closed questions: always ["text"] (no video)' },
          required: { type: 'boolean' },
          scale: {
            type: 'object',
            description: 'Scale questions: the points and the labels of both ends per language',
            properties: { min: { type: 'integer', minimum: 0, maximum: 1 }, max: { type: 'integer', minimum: 2, maximum: 10 }, minLabel: localized, maxLabel: localized },
          },
          options: {
            type: 'array',
            description: 'Single/multiple choice and ranking: the choices (items), labels per language',
            items: { type: 'object', properties: { key: { type: 'string' }, label: localized } },
          },
          allowOther: { type: 'boolean', description: 'Single/multiple choice: offers the choice `other` ("other, namely …") with a free text, which the text analysis of this question reads' },
        },
      },
    },
    segments: { type: 'array', items: { type: 'object' } },
    version: { type: 'integer', description: 'Send back with PUT to get 409 instead of overwriting a concurrent edit' },
    questionsLocked: { type: 'boolean' },
    responseCount: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    openedAt: { type: ['string', 'null'], format: 'date-time' },
    closedAt: { type: ['string', 'null'], format: 'date-time' },
    opensAt: { type: ['string', 'null'], format: 'date-time', description: 'Schedule: a draft opens by itself at this time' },
    closesAt: { type: ['string', 'null'], format: 'date-time', description: 'Schedule: an open campaign closes by itself at this time' },
  },
};

const response: JsonSchema = {
  type: 'object',
  required: ['id', 'campaignId', 'status', 'lang', 'answers', 'segments'],
  properties: {
    id: { type: 'string' },
    campaignId: { type: 'string' },
    status: { type: 'string', enum: ['draft', 'submitted'] },
    lang: { type: 'string', enum: ['de', 'en'] },
    segments: { type: 'object', additionalProperties: { type: 'string' } },
    answers: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          text: { type: 'string', description: 'The answer; for video/audio answers the transcript; for a closed question the free text of "other, namely …" (else empty)' },
          mode: { type: 'string', enum: ['text', 'video'] },
          value: { type: 'integer', description: 'Scale questions: the chosen point' },
          choices: { type: 'array', items: { type: 'string' }, description: 'Single/multiple choice: the chosen option keys (`other` for "other, namely …")' },
          ranking: { type: 'array', items: { type: 'string' }, description: 'Ranking: every option key, most important first' },
          mediaId: { type: 'string', description: 'Video/audio answers: the recording, streamed at /lead/campaigns/{id}/media/{mediaId}' },
          cues: {
            type: 'array',
            description: 'Video/audio answers: transcript cues with times in seconds (from a WebVTT/SRT file or automatic transcription)',
            items: { type: 'object', properties: { start: { type: 'number' }, end: { type: 'number' }, text: { type: 'string' } } },
          },
        },
      },
    },
    submissionId: { type: 'string' },
    submittedAt: { type: 'string', format: 'date-time' },
    source: { type: 'string', enum: ['web', 'api'] },
  },
};

const error: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'Field path → message key' },
      },
    },
  },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } });
const errors = {
  '400': { description: 'Invalid input (field-level messages in error.fields)', ...json(ref('Error')) },
  '404': { description: 'Not found', ...json(ref('Error')) },
  '503': { description: 'Database unavailable; retry', ...json(ref('Error')) },
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-f0-9]{24}$' } };
const paging = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
  { name: 'skip', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
];

/** The OpenAPI 3.1 document of /api/v1 (stable contract). */
export function openApiDocument(): JsonSchema {
  return {
    openapi: '3.1.0',
    info: { title: 'Workplace Voice API', version: '1.0.0', description: 'Campaigns and responses of Workplace Voice interview campaigns.' },
    servers: [{ url: '/api/v1' }],
    paths: {
      '/openapi.json': { get: { operationId: 'getOpenApi', summary: 'This document', responses: { '200': { description: 'OpenAPI document' } } } },
      '/campaigns': {
        get: {
          operationId: 'listCampaigns',
          summary: 'List campaigns, newest first',
          parameters: [{ name: 'status', in: 'query', schema: { type: 'string', enum: ['draft', 'open', 'closed'] } }, ...paging],
          responses: { '200': { description: 'Campaigns', ...json({ type: 'object', properties: { items: { type: 'array', items: ref('Campaign') } } }) }, ...errors },
        },
        post: {
          operationId: 'createCampaign',
          summary: 'Create a draft campaign',
          requestBody: { required: true, ...json(ref('CampaignInput')) },
          responses: { '201': { description: 'Created', ...json(ref('Campaign')) }, ...errors },
        },
      },
      '/campaigns/{id}': {
        get: {
          operationId: 'getCampaign',
          parameters: [idParam],
          responses: { '200': { description: 'The campaign with its response count', ...json(ref('Campaign')) }, ...errors },
        },
        put: {
          operationId: 'updateCampaign',
          summary: 'Replace a draft campaign (questions are locked once opened)',
          parameters: [idParam],
          requestBody: { required: true, ...json({ allOf: [ref('CampaignInput'), { type: 'object', properties: { version: { type: 'integer' } } }] }) },
          responses: { '200': { description: 'Updated', ...json(ref('Campaign')) }, '409': { description: 'Locked or changed concurrently', ...json(ref('Error')) }, ...errors },
        },
      },
      '/campaigns/{id}/status': {
        post: {
          operationId: 'changeCampaignStatus',
          summary: 'Open or close a campaign',
          parameters: [idParam],
          requestBody: { required: true, ...json(body(statusChangeSchema)) },
          responses: { '200': { description: 'Updated', ...json(ref('Campaign')) }, '409': { description: 'Transition not allowed', ...json(ref('Error')) }, ...errors },
        },
      },
      '/campaigns/{id}/responses': {
        get: {
          operationId: 'listResponses',
          parameters: [idParam, { name: 'status', in: 'query', schema: { type: 'string', enum: ['draft', 'submitted'], default: 'submitted' } }, ...paging],
          responses: {
            '200': { description: 'Responses', ...json({ type: 'object', properties: { items: { type: 'array', items: ref('Response') }, total: { type: 'integer' }, limit: { type: 'integer' }, skip: { type: 'integer' } } }) },
            ...errors,
          },
        },
        post: {
          operationId: 'createResponse',
          summary: 'Store a complete response; retrying with the same submissionId returns the first one (200)',
          parameters: [idParam],
          requestBody: { required: true, ...json(ref('ResponseInput')) },
          responses: {
            '201': { description: 'Created', ...json(ref('Response')) },
            '200': { description: 'Already stored (idempotent retry)', ...json(ref('Response')) },
            '410': { description: 'Campaign not open', ...json(ref('Error')) },
            ...errors,
          },
        },
      },
      '/campaigns/{id}/responses/{rid}': {
        get: {
          operationId: 'getResponse',
          parameters: [idParam, { name: 'rid', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'One response', ...json(ref('Response')) }, ...errors },
        },
      },
    },
    components: {
      schemas: {
        CampaignInput: body(campaignInputSchema),
        Campaign: campaign,
        ResponseInput: body(apiCreateResponseSchema),
        Response: response,
        Error: error,
      },
    },
  };
}

export function openApiRouter(): Router {
  const router = Router();
  const doc = openApiDocument();
  // GET /api/v1/openapi.json
  router.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  return router;
}
