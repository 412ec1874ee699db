import type { Request, Response } from 'express';
import { cfg } from './helpers';
import { openApiDocument } from '../schemas/openapi';

let cached: { url: string; text: string } | undefined;

/** GET /api/v1/openapi.json: the API's description, made once from the schemas. */
export function openapiJson(req: Request, res: Response): void {
  const url = cfg(req).publicUrl.replace(/\/$/, '');
  if (cached?.url !== url) cached = { url, text: JSON.stringify(openApiDocument(url), null, 2) };
  res.type('application/json').set('Cache-Control', 'public, max-age=300').send(cached.text);
}

/** GET /api/docs: the description for people, rendered by Swagger UI served from this site. */
export function docsPage(_req: Request, res: Response): void {
  res.render('pages/api/docs', {
    title: 'API documentation',
    pageStyles: ['/vendor/swagger-ui/swagger-ui.css', '/public/css/api-docs.css'],
    pageScripts: ['/vendor/swagger-ui/swagger-ui-bundle.js', '/public/js/api-docs.js'],
  });
}
