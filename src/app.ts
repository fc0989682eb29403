import path from 'node:path';
import express, { type Express } from 'express';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { adminRouter } from './auth/admin.routes.js';
import { analysisRunsRouter } from './analysis-runs/analysis-run.routes.js';
import { boardRouter } from './board/board.routes.js';
import { authRouter } from './auth/auth.routes.js';
import { campaignAccessGuard } from './campaigns/campaign.access.js';
import { identify, requireUser } from './auth/guard.js';
import cookieParser from 'cookie-parser';
import { csrf, isRespondentPath, loginLimiter, noStore, respondentSession, respondentSlowDown, securityHeaders } from './http/security.js';
import { campaignsLeadRouter } from './campaigns/campaign.lead.routes.js';
import { findByPublicToken } from './campaigns/campaign.service.js';
import { dashboardRouter } from './dashboard/dashboard.routes.js';
import { seriesRouter } from './series/series.routes.js';
import { warmRunData } from './dashboard/dashboard.data.js';
import { warmClosedData } from './dashboard/closed-data.js';
import { onRunSeenDone } from './analysis-runs/run-events.js';
import { useCorrectionsFrom } from './analysis-runs/analysis-input.js';
import { boardAnalyzeOptions } from './board/board-overrides.js';
import { pingDb } from './db/connection.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { localsMiddleware } from './http/locals.js';
import { apiRouter } from './api.js';
import type { Mailer } from './participants/mailer/mailer.js';
import { redeemParticipantLink } from './participants/participant.redeem.js';
import { participantsLeadRouter } from './participants/participant.lead.routes.js';
import { respondRouter } from './responses/response.respond.routes.js';
import { consentCookie } from './responses/consent-cookie.js';
import { recordingLeadRouter } from './responses/response.recording.lead.routes.js';
import { recordingRespondRouter } from './responses/response.recording.routes.js';
import { configureMedia, GridFsMediaStore, type MediaOptions } from './media/media.service.js';
import { reportLeadRouter, shareRouter } from './reports/report.routes.js';
import { pdfRenderer } from './reports/report-pdf.js';
import { exportsRouter } from './exports/export.routes.js';
import { responsesLeadRouter } from './responses/response.lead.routes.js';
import type { Logger } from './shared/logger.js';
import { projectRoot } from './shared/paths.js';
import { privacyAdminRouter, privacyLeadRouter } from './privacy/privacy.routes.js';
import { adoptDemo, demoLoaded, loadDemo } from './demo/demo.js';
import { countDrafts, countSubmitted } from './responses/response.service.js';

export interface AppDeps {
  logger: Logger;
  /** Database health probe; injectable so /healthz can be tested without stopping a server. */
  pingDb?: () => Promise<boolean>;
  /** Absolute base URL for links shown to leads (otherwise derived from the request). */
  publicBaseUrl?: string;
  /** Sends invitation/reminder e-mails; unset when SMTP is not configured. */
  mailer?: Mailer;
  /** express-session middleware (MongoDB store), built after the database connected. Staff only. */
  session: RequestHandler;
  /** Secret for respondents' CSRF tokens (HMAC); the session secret. */
  secret: string;
  /** Cookies only over HTTPS. */
  secureCookies?: boolean;
  /** Express `trust proxy` (which X-Forwarded-For hops to believe for the client address). */
  trustProxy?: boolean | number | string;
  /** Failed sign-ins allowed per address and account per 15 minutes. */
  loginRateLimit?: number;
  /** Failed sign-ins allowed per address across all accounts per 15 minutes (default 100). */
  loginRateLimitPerAddress?: number;
  /** Consent + submit requests per client address (all devices) and minute before responses slow down (default 6,000). */
  respondentRatePerMinute?: number;
  /** The same per device (resume cookie) and minute (default 30). */
  respondentDeviceRatePerMinute?: number;
  /** Delay per request over a respondent budget and its ceiling (default 20 ms, 2 s; tests lengthen it to see it). */
  respondentDelay?: { stepMs: number; maxDelayMs: number };
  /** Video/audio answers: store, limits, transcription (src/media). Default: GridFS, 500 MB, 10 min. */
  media?: MediaOptions;
  /** Chromium for the report's "Download PDF" (default /usr/bin/chromium; '' or missing: the browser's print). */
  chromiumPath?: string;
}

/**
 * Builds the express app: no listening, no database connection, no environment reads.
 * `src/server.ts` and the tests call it with their own dependencies.
 */
/** Response counts for the campaigns' pages (campaigns sit below responses: passed in, not imported). */
const responseCounts = { submitted: countSubmitted, drafts: countDrafts };

export function createApp(deps: AppDeps): Express {
  const app = express();
  const root = projectRoot();
  const reportPdf = pdfRenderer({ executablePath: deps.chromiumPath, logger: deps.logger });
  const media = configureMedia(deps.media ?? { store: new GridFsMediaStore(), maxBytes: 500 * 1024 * 1024, maxSeconds: 600, logger: deps.logger });
  app.disable('x-powered-by');
  app.set('view engine', 'ejs');
  app.set('views', path.join(root, 'views'));
  // Express 5 defaults to the "simple" query parser; keep it (no nested objects from ?a[b]=c).
  app.set('query parser', 'simple');
  app.locals.publicBaseUrl = deps.publicBaseUrl;
  // Only believe X-Forwarded-For from configured proxies: rate limits key on the real client.
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(securityHeaders());

  // Request logging only where it is written at all (info or more verbose): at warn, pino-http
  // would still cost time per request for lines nobody sees.
  if (deps.logger.isLevelEnabled('info')) {
    app.use(
      pinoHttp({
        logger: deps.logger,
        autoLogging: { ignore: (req) => req.url === '/healthz' || req.url?.startsWith('/static/') === true },
        // Privacy: request logs carry no IP address, user agent, cookies or query strings, so an
        // anonymous respondent cannot be re-identified from the logs either.
        serializers: {
          req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
      }),
    );
  }

  const ping = deps.pingDb ?? (() => pingDb());
  // GET /healthz — stable contract: 200 {"status":"ok","db":"up"} or 503 {"db":"down"}.
  app.get('/healthz', async (_req, res) => {
    const up = await ping();
    res.set('Cache-Control', 'no-store');
    res.status(up ? 200 : 503).json(up ? { status: 'ok', db: 'up' } : { status: 'unavailable', db: 'down' });
  });

  app.use('/static', express.static(path.join(root, 'public'), { maxAge: '1h', index: false }));
  // Chart.js for the dashboard, served from node_modules (no CDN: intranets often block them).
  app.use('/static/vendor/chartjs', express.static(path.join(root, 'node_modules', 'chart.js', 'dist'), { maxAge: '1h', index: false }));

  // API fast lane: calls with a Bearer token (scripts, integrations, bulk submissions) skip the
  // HTML stack (form parser, cookies, respondent session, i18n locals, CSRF — a Bearer token
  // travels in no cookie, so there is nothing to forge). Same guard, access check and routes.
  const apiLane = express.Router();
  apiLane.use(express.json({ limit: '1mb' }), identify, requireUser(), noStore);
  apiLane.use('/campaigns/:id', campaignAccessGuard);
  apiLane.use(apiRouter());
  app.use('/api/v1', (req, res, next) => (/^Bearer\s/i.test(req.headers.authorization ?? '') ? apiLane(req, res, next) : next()));

  app.use(express.urlencoded({ extended: true, limit: '1mb', parameterLimit: 2000 }));
  app.use(express.json({ limit: '1mb' }));
  app.use(cookieParser());
  // Respondents: a device cookie instead of a server session (see respondentSession).
  app.use(respondentSession({ secureCookies: deps.secureCookies ?? false }));
  // Respondents' consent: a signed device cookie (src/responses/consent-cookie.ts).
  const consent = consentCookie({ secret: deps.secret, secureCookies: deps.secureCookies ?? false });
  app.use(consent.read);
  // No session lookup for respondents or for API calls with a Bearer token (they carry no cookie
  // that could matter): one database round trip less on the two busiest paths.
  app.use((req, res, next) =>
    isRespondentPath(req.path) || /^Bearer\s/i.test(req.headers.authorization ?? '') ? next() : deps.session(req, res, next),
  );
  app.use(identify);
  app.use(localsMiddleware);
  const csrfGuard = csrf({
    secret: deps.secret,
    secureCookies: deps.secureCookies ?? false,
    campaignExists: async (token) => (await findByPublicToken(token)) !== null,
  });
  app.use(csrfGuard.locals);
  app.use(csrfGuard.protection);

  app.get('/', (_req, res) => res.render('home', { title: res.locals.t('home.title') }));
  // Submissions and link redemptions slow down under a flood instead of failing: per device, and
  // per address with a much higher ceiling (a whole office shares one NAT address).
  const slow = respondentSlowDown({ perAddress: deps.respondentRatePerMinute, perDevice: deps.respondentDeviceRatePerMinute, ...deps.respondentDelay });
  app.post(['/r/:token/start', '/r/:token/submit'], slow);
  app.get('/p/:token', slow);
  // Pages with personal data or individual answers must not sit in caches or history.
  app.use(['/lead', '/admin', '/account', '/api/v1'], noStore);
  const demo = { loaded: demoLoaded, load: loadDemo, adopt: adoptDemo };
  app.use(authRouter({ loginLimiter: loginLimiter({ loginMax: deps.loginRateLimit ?? 10, perAddressMax: deps.loginRateLimitPerAddress ?? 100 }), demo }));
  app.use('/r', recordingRespondRouter(media));
  app.use('/r', respondRouter(consent));
  app.get('/p/:token', redeemParticipantLink);
  // Report share links: public (no account), read-only, outside /lead (src/reports/report.routes.ts).
  app.use('/share', shareRouter({ secureCookies: deps.secureCookies ?? false, pdf: reportPdf }));
  // The one gate: every lead, admin and API route needs a signed-in user or an API token, and
  // every campaign below it is checked against the user's relation to that campaign.
  app.use(['/lead', '/api/v1'], requireUser());
  app.use('/admin', requireUser(['admin']));
  app.use(['/lead/campaigns/:id', '/api/v1/campaigns/:id'], campaignAccessGuard);
  app.use('/admin', adminRouter({ media, demo }));
  app.use('/admin', privacyAdminRouter({ logger: deps.logger }));
  app.use('/lead', campaignsLeadRouter({ counts: responseCounts }));
  app.use('/lead', responsesLeadRouter());
  app.use('/lead', privacyLeadRouter({ logger: deps.logger }));
  app.use('/lead', recordingLeadRouter());
  app.use('/lead', participantsLeadRouter({ mailer: deps.mailer }));
  app.use('/lead', analysisRunsRouter());
  app.use('/lead', boardRouter());
  app.use('/lead', dashboardRouter());
  // Campaign series and their trend (issue 17, item 3).
  app.use('/lead', seriesRouter());
  // Analysis runs learn from the theme board's corrections (and use its codebook edits).
  useCorrectionsFrom(boardAnalyzeOptions);
  // The dashboard keeps a finished run's data ready the moment a lead sees the run done.
  onRunSeenDone((campaignId, runId) => {
    warmRunData(campaignId, runId);
    // The closed questions' figures (issue 17) read the run's responses once: warm them too.
    warmClosedData(campaignId, runId);
  });
  app.use('/lead', reportLeadRouter({ pdf: reportPdf }));
  app.use('/lead', exportsRouter({ secret: deps.secret, logger: deps.logger }));
  app.use('/api/v1', apiRouter());

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
