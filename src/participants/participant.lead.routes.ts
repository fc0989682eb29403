import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { respondentLink } from '../campaigns/campaign.lead.routes.js';
import * as campaigns from '../campaigns/campaign.service.js';
import type { Campaign } from '../campaigns/campaign.service.js';
import { AppError } from '../shared/errors.js';
import { parseOrThrow, toFieldErrors } from '../shared/validation.js';
import type { Mailer } from './mailer/mailer.js';
import { sendInvitations, type MailRunResult } from './mail.service.js';
import { decodeUtf8, IMPORT_LIMITS, toCsv, type ParsedImport } from './participant.csv.js';
import { importActionSchema, mailingSettingsSchema, participantListQuerySchema, publicLinkSchema } from './participant.schemas.js';
import * as participants from './participant.service.js';

const PAGE_SIZE = 50;

export interface ParticipantsRouterDeps {
  /** Set when SMTP is configured; without it the page offers the CSV export only. */
  mailer?: Mailer;
}

/** Base of absolute links (same rule as the campaign page's public link). */
function linkBase(req: Request): string {
  return respondentLink(req, 'x').replace(/\/r\/x$/, '');
}

// The CSV arrives as a file or as pasted text; both are bounded here (the JSON/urlencoded
// parsers' 1 MB limit does not apply to multipart bodies).
const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: IMPORT_LIMITS.maxBytes, files: 1, fields: 10, fieldSize: IMPORT_LIMITS.maxBytes + 1024, parts: 12 },
}).single('file');

function parseUpload(req: Request, res: Response): Promise<'ok' | 'too_big'> {
  return new Promise((resolve, reject) => {
    upload(req, res, (err: unknown) => {
      if (!err) return resolve('ok');
      if (err instanceof multer.MulterError && (err.code === 'LIMIT_FILE_SIZE' || err.code === 'LIMIT_FIELD_VALUE')) return resolve('too_big');
      if (err instanceof multer.MulterError) return reject(new AppError(400, 'bad_upload', 'The upload could not be read'));
      reject(err);
    });
  });
}

interface PageOpts {
  notice?: string;
  mailResult?: MailRunResult;
  settingsErrors?: Record<string, string>;
  settingsValues?: Record<string, unknown>;
  status?: number;
}

async function renderParticipantsPage(req: Request, res: Response, campaign: Campaign, deps: ParticipantsRouterDeps, opts: PageOpts = {}) {
  const t = res.locals.t;
  const { page } = parseOrThrow(participantListQuerySchema, req.query);
  const [list, rates] = await Promise.all([
    participants.listParticipants(campaign._id, { limit: PAGE_SIZE, skip: (page - 1) * PAGE_SIZE }),
    participants.responseRates(campaign),
  ]);
  const settingsErrors = opts.settingsErrors ?? {};
  const mailing = campaign.mailing ?? { senderName: '', replyTo: '', reminderAfterDays: 7, maxReminders: 2, reminderBeforeCloseDays: 2 };
  res.status(opts.status ?? 200).render('lead/participants', {
    title: t('participants.title'),
    campaign,
    list: list.items,
    total: list.total,
    page,
    pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)),
    rates,
    mailEnabled: Boolean(deps.mailer),
    mailResult: opts.mailResult,
    notice: opts.notice ?? '',
    settings: opts.settingsValues ?? {
      senderName: mailing.senderName,
      replyTo: mailing.replyTo,
      reminderAfterDays: mailing.reminderAfterDays,
      maxReminders: mailing.maxReminders,
      reminderBeforeCloseDays: mailing.reminderBeforeCloseDays ?? 2,
      minGroupSize: campaign.minGroupSize ?? 5,
    },
    fieldErrors: settingsErrors,
    errorList: Object.entries(settingsErrors).map(([field, key]) => ({ field, message: t(key) })),
    // Anonymous campaigns: the lead sees rates, not who has answered (see the view).
    showStatus: campaign.anonymity !== 'anonymous',
  });
}

function renderImport(res: Response, campaign: Campaign, status: number, opts: { csv: string; preview?: ParsedImport }) {
  const t = res.locals.t;
  res.status(status).render('lead/participants-import', {
    title: t('participants.import.title'),
    campaign,
    csv: opts.csv,
    preview: opts.preview,
    limits: IMPORT_LIMITS,
    errorList: [],
  });
}

const noticeKeys = {
  imported: 'participants.notice.imported',
  public_on: 'participants.notice.public_on',
  public_off: 'participants.notice.public_off',
  settings: 'participants.notice.settings',
} as const;

export function participantsLeadRouter(deps: ParticipantsRouterDeps = {}): Router {
  const router = Router();

  // GET /lead/campaigns/:id/participants — list, response rates, links, e-mail
  router.get('/campaigns/:id/participants', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    const n = typeof req.query.n === 'string' && /^\d{1,6}$/.test(req.query.n) ? Number(req.query.n) : 0;
    const done = typeof req.query.done === 'string' && Object.hasOwn(noticeKeys, req.query.done) ? noticeKeys[req.query.done as keyof typeof noticeKeys] : undefined;
    await renderParticipantsPage(req, res, campaign, deps, { notice: done ? res.locals.t(done, { n }) : '' });
  });

  // GET /lead/campaigns/:id/participants/import — paste or upload a list
  router.get('/campaigns/:id/participants/import', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    renderImport(res, campaign, 200, { csv: '' });
  });

  // POST /lead/campaigns/:id/participants/import — preview (default) or confirm; stores only on confirm
  router.post('/campaigns/:id/participants/import', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    const tooBig = (await parseUpload(req, res)) === 'too_big';
    const tooBigPreview: ParsedImport = {
      rows: [],
      errors: [{ line: 0, message: 'participants.import.error.too_big', params: { mb: IMPORT_LIMITS.maxBytes / 1024 / 1024 } }],
      ignoredColumns: [],
      segmentColumns: {},
      delimiter: ',',
    };
    if (tooBig) return renderImport(res, campaign, 413, { csv: '', preview: tooBigPreview });
    const { action } = parseOrThrow(importActionSchema, { action: req.body?.action || undefined });
    let csv = typeof req.body?.csv === 'string' ? req.body.csv : '';
    if (req.file && req.file.size > 0) {
      const decoded = decodeUtf8(req.file.buffer);
      if (decoded === null) {
        const notUtf8: ParsedImport = { ...tooBigPreview, errors: [{ line: 0, message: 'participants.import.error.not_utf8' }] };
        return renderImport(res, campaign, 400, { csv, preview: notUtf8 });
      }
      // The file's content goes into the text box, so the confirm step sends exactly what was previewed.
      csv = decoded;
    }
    csv = csv.replace(/^\uFEFF/, '');
    if (action === 'preview') {
      const preview = await participants.previewImport(campaign, csv);
      return renderImport(res, campaign, preview.rows.length ? 200 : 400, { csv, preview });
    }
    const result = await participants.confirmImport(campaign, csv);
    if (result.imported === 0) return renderImport(res, campaign, 400, { csv, preview: result.preview });
    res.redirect(303, `/lead/campaigns/${String(campaign._id)}/participants?done=imported&n=${result.imported}`);
  });

  // POST /lead/campaigns/:id/participants/export — CSV for a mail merge, with FRESH links
  router.post('/campaigns/:id/participants/export', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    const rows = await participants.exportLinks(campaign);
    const base = linkBase(req);
    const lang = res.locals.lang;
    const fields = [
      { label: 'email', value: 'email' },
      { label: 'name', value: 'name' },
      ...campaign.segments.map((s, i) => ({ label: s.key, value: `seg_${i}` })),
      { label: 'link', value: 'link' },
    ];
    const data = rows.map(({ participant: p, token }) => {
      const row: Record<string, string> = { email: p.email, name: p.name, link: `${base}/p/${token}` };
      campaign.segments.forEach((s, i) => {
        const option = s.options.find((o) => o.key === p.segments[s.key]);
        row[`seg_${i}`] = option ? (lang === 'de' ? option.label.de || option.label.en : option.label.en || option.label.de) : '';
      });
      return row;
    });
    res.set('Cache-Control', 'no-store');
    res.attachment(`participants-links-${String(campaign._id)}.csv`);
    res.type('text/csv; charset=utf-8').send(toCsv(fields, data));
  });

  // POST /lead/campaigns/:id/participants/public-link — switch the public link on or off
  router.post('/campaigns/:id/participants/public-link', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    const { enabled } = parseOrThrow(publicLinkSchema, req.body ?? {});
    await participants.setPublicLink(campaign._id, enabled === 'on');
    res.redirect(303, `/lead/campaigns/${String(campaign._id)}/participants?done=${enabled === 'on' ? 'public_on' : 'public_off'}`);
  });

  // POST /lead/campaigns/:id/participants/settings — sender, reply-to, reminders, minimum group size
  router.post('/campaigns/:id/participants/settings', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = mailingSettingsSchema.safeParse(body);
    if (!parsed.success) {
      const values = Object.fromEntries(['senderName', 'replyTo', 'reminderAfterDays', 'maxReminders', 'reminderBeforeCloseDays', 'minGroupSize'].map((k) => [k, typeof body[k] === 'string' ? body[k] : '']));
      return renderParticipantsPage(req, res, campaign, deps, { status: 400, settingsErrors: toFieldErrors(parsed.error), settingsValues: values });
    }
    await participants.saveMailingSettings(campaign._id, parsed.data);
    res.redirect(303, `/lead/campaigns/${String(campaign._id)}/participants?done=settings`);
  });

  // POST /lead/campaigns/:id/participants/invite — e-mail invitations to those not invited yet
  router.post('/campaigns/:id/participants/invite', async (req, res) => {
    const campaign = await campaigns.getCampaign(req.params.id);
    if (!deps.mailer) throw new AppError(409, 'mail_not_configured', res.locals.t('participants.mail.not_configured'));
    if (campaign.status !== 'open') throw new AppError(409, 'campaign_not_open', res.locals.t('participants.mail.not_open'));
    const result = await sendInvitations(campaign, deps.mailer, linkBase(req));
    await renderParticipantsPage(req, res, await campaigns.getCampaign(req.params.id), deps, { mailResult: result });
  });

  return router;
}
