import type { Request, Response } from 'express';
import { cfg } from './helpers';
import { AppError, ValidationError } from '../errors';
import { submitRequest } from '../services/request.service';

/** `POST /api/v1/requests`: the public form's request as JSON. */
export async function apiCreateRequest(req: Request, res: Response): Promise<void> {
  if (!req.is('application/json')) throw new AppError(415, 'unsupported_media_type', 'Send the request as application/json.');
  const config = cfg(req);
  let payload: unknown = req.body;
  const headerKey = req.get('idempotency-key');
  if (headerKey && payload && typeof payload === 'object' && !Array.isArray(payload) && !('idempotency_key' in payload)) {
    payload = { ...(payload as Record<string, unknown>), idempotency_key: headerKey };
  }
  const result = await submitRequest(payload, { source: 'api', secret: config.secret, timeZone: config.timeZone, clientAddress: req.ip });
  if (result.kind === 'honeypot') throw new ValidationError([{ field: 'website', message: 'Leave this field empty' }]);
  // Already received, from another address: the reference, not the link to the requester's page.
  if (result.kind === 'replayed_elsewhere') {
    res.status(200).json({ reference: result.reference });
    return;
  }
  res.status(201).json({ reference: result.reference, status_url: `${config.publicUrl}/status/${result.token}` });
}
