import { FORMATS, TRACKS } from '../vocabulary';
import { compile } from './validate';

/** The query string of the staff API: the dashboard's filters and paging, all as text. */
export const apiQuerySchema = {
  $id: 'api.query',
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', title: 'from', format: 'date' },
    to: { type: 'string', title: 'to', format: 'date' },
    track: { type: 'string', title: 'track', enum: Object.keys(TRACKS) },
    format: { type: 'string', title: 'format', enum: Object.keys(FORMATS) },
    topic: { type: 'string', title: 'topic', pattern: '^[a-z0-9-]{1,64}$' },
    consultant: { type: 'string', title: 'consultant', pattern: '^[1-9][0-9]{0,8}$' },
    jurisdiction: { type: 'string', title: 'jurisdiction', pattern: '^[A-Za-z]{2}$' },
    page: { type: 'string', title: 'page', pattern: '^[1-9][0-9]{0,5}$' },
    per_page: { type: 'string', title: 'per_page', pattern: '^([1-9][0-9]?|1[0-9][0-9]|200)$' },
  },
} as const;

export const validateApiQuery = compile<Record<string, string>>(apiQuerySchema);
