import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { getCampaign, type Campaign } from '../campaigns/campaign.service.js';
import { fileBase, latestAnalysis, latestDoneRun } from '../reports/report-data.js';
import { loadReport } from '../reports/report.routes.js';
import { AppError } from '../shared/errors.js';
import { translator, type Lang } from '../shared/i18n/index.js';
import type { Logger } from '../shared/logger.js';
import { csvHeaders, streamCsv, type CsvVariant } from './csv.js';
import { analysisJson, answersExport, requirementsExport, type ExportContext } from './export.service.js';
import { exportQuerySchema } from './export.schemas.js';
import { reportMarkdown } from '../reports/report-markdown.js';

export interface ExportsDeps {
  /** Key of the respondent pseudonyms (the session secret). */
  secret: string;
  logger?: Logger;
}

function optionsOf(req: Request, res: Response): { variant: CsvVariant; lang: Lang } {
  const q = exportQuerySchema.safeParse(req.query);
  if (!q.success) throw new AppError(400, 'validation_failed', 'Unknown export variant: use variant=standard or variant=excel-de (and lang=de or lang=en).', { expose: true });
  return { variant: q.data.variant, lang: q.data.lang ?? (res.locals.lang as Lang | undefined) ?? 'de' };
}

const noAnalysis = (lang: Lang) => new AppError(409, 'no_analysis', translator(lang)('exports.no_analysis_error'), { expose: true });

/**
 * Exports of a campaign, for leads (and admins): answers and requirements as CSV (standard or
 * German Excel), the whole analysis as JSON, the report as Markdown. Everything streams. Mounted
 * on /lead and /api/v1 behind the campaign guard; `/exports` is not stakeholder-readable, as the
 * answers export holds single answers.
 */
export function exportsRouter(deps: ExportsDeps): Router {
  const router = Router();
  const context = async (req: Request, res: Response) => {
    const { variant, lang } = optionsOf(req, res);
    const campaign = await getCampaign(String(req.params.id));
    const analysis = await latestAnalysis(campaign._id);
    if (!analysis) throw noAnalysis(lang);
    const ec: ExportContext = { campaign, lang, secret: deps.secret, analysis };
    return { ec, variant, lang, campaign };
  };

  // The exports page (HTML), linked from the campaign page.
  router.get('/campaigns/:id/exports', async (req, res) => {
    const campaign = await getCampaign(String(req.params.id));
    const run = await latestDoneRun(campaign._id);
    res.render('report/exports', { title: res.locals.t('exports.title'), campaign, hasAnalysis: Boolean(run), finishedAt: run?.finishedAt });
  });

  router.get('/campaigns/:id/exports/answers.csv', async (req, res) => {
    const { variant, lang } = optionsOf(req, res);
    const campaign = await getCampaign(String(req.params.id));
    // Only the run (small): the codes come from its export index, not from the whole result.
    const run = await latestDoneRun(campaign._id);
    const { columns, rows } = await answersExport({ campaign, lang, secret: deps.secret, run });
    csvHeaders(res, `${fileBase(campaign)}-answers${variant === 'excel-de' ? '-excel-de' : ''}.csv`);
    await streamCsv(res, rows, variant, columns, deps.logger);
  });

  router.get('/campaigns/:id/exports/requirements.csv', async (req, res) => {
    const { ec, variant, campaign } = await context(req, res);
    const { columns, rows } = await requirementsExport({ ...ec, analysis: ec.analysis! });
    csvHeaders(res, `${fileBase(campaign)}-requirements${variant === 'excel-de' ? '-excel-de' : ''}.csv`);
    await streamCsv(res, rows, variant, columns, deps.logger);
  });

  router.get('/campaigns/:id/exports/analysis.json', async (req, res) => {
    const { ec, campaign } = await context(req, res);
    const parts = analysisJson({ ...ec, analysis: ec.analysis! });
    res.status(200).set({
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileBase(campaign)}-analysis.json"`,
      'Cache-Control': 'no-store',
    });
    try {
      await pipeline(Readable.from(parts), res);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        deps.logger?.error({ err }, 'JSON export failed mid-stream');
        res.destroy(err as Error);
      }
    }
  });

  router.get('/campaigns/:id/exports/report.md', async (req, res) => {
    const { lang } = optionsOf(req, res);
    const campaign = await getCampaign(String(req.params.id));
    const report = await loadReport(campaign, lang);
    if (!report) throw noAnalysis(lang);
    res.status(200).set({
      'Content-Type': 'text/markdown; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileBase(campaign)}-report-${lang}.md"`,
      'Cache-Control': 'no-store',
    });
    res.send(reportMarkdown(report, translator(lang), campaign.title));
  });

  return router;
}
