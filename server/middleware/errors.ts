import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseUnavailable } from '../errors';
import { AppError, NotFoundError, ServiceUnavailableError, ValidationError } from '../errors';

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const e = err as { code?: string; status?: number; statusCode?: number; type?: string; expose?: boolean };
  if (e?.code === 'EBADCSRFTOKEN')
    return new AppError(403, 'csrf', 'This form has expired or did not come from this site. Go back, reload the page and try again.');
  if (e?.type === 'entity.parse.failed') return new AppError(400, 'bad_json', 'The request body is not valid JSON.');
  if (e?.type === 'entity.too.large') return new AppError(413, 'too_large', 'The request is too large.');
  if (e?.type && /^(encoding|charset)\.unsupported$/.test(e.type))
    return new AppError(415, 'unsupported', 'That encoding is not supported.');
  if (e?.type === 'parameters.too.many') return new AppError(413, 'too_large', 'The request has too many fields.');
  if ((err as { name?: string })?.name === 'MulterError') {
    return e.code === 'LIMIT_FILE_SIZE'
      ? new AppError(413, 'too_large', 'The file is too large (10 MB at most).')
      : new AppError(400, 'bad_upload', 'The upload could not be read: send one CSV file in the "file" field.');
  }
  // The router's "Failed to decode param '…'" (status 400, not exposed): a malformed address. Its
  // message carries the raw parameter, which may be a status link's token: it is never logged.
  if (err instanceof URIError) return new AppError(400, 'bad_address', 'This address is not valid.');
  const status = e?.status ?? e?.statusCode;
  if (e?.expose && status && status >= 400 && status < 500)
    return new AppError(status, 'bad_request', 'The request could not be understood.');
  if (isDatabaseUnavailable(err)) return new ServiceUnavailableError();
  return undefined;
}

/** The one error pipeline: a status that says what happened and a message that is safe to show. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known = toAppError(err);
  const status = known?.status ?? 500;
  if (!known || status >= 500) req.log?.error({ err }, 'request failed');
  else req.log?.info({ status, code: known.code }, known.message);
  // Part of the answer (a download) is already out: end the connection so the client stops waiting.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const requestId = String(req.id ?? '');
  const message = known?.message ?? 'Something went wrong on our side. The team has been told; please try again later.';
  res.status(status);
  if (status === 503) res.set('Retry-After', '30');
  if (req.path.startsWith('/api/') || (!req.accepts('html') && req.accepts('json'))) {
    if (known instanceof ValidationError) {
      res.json({ errors: known.errors });
      return;
    }
    res.json({ error: { code: known?.code ?? 'internal', message, request_id: requestId } });
    return;
  }
  res.render('errors/error', { title: message, status, message, requestId, layout: res.locals.layout ?? 'main' }, (renderErr, html) => {
    if (renderErr) {
      res.type('text/plain').send(`${message}\nRequest id: ${requestId}`);
      return;
    }
    res.send(html);
  });
};
