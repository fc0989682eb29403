import { Router } from 'express';
import { campaignsApiRouter } from './campaigns/campaign.api.routes.js';
import { responsesApiRouter } from './responses/response.api.routes.js';
import { openApiRouter } from './openapi.js';
import { countSubmitted } from './responses/response.service.js';

/** Everything under /api/v1, in one router (the OpenAPI test enumerates it). */
export function apiRouter(): Router {
  const router = Router();
  router.use(openApiRouter());
  router.use(campaignsApiRouter({ counts: { submitted: countSubmitted } }));
  router.use(responsesApiRouter());
  return router;
}
