import { FORMATS, TRACKS } from '../vocabulary';
import { engagementSchema } from './engagement.schemas';
import { compile, formToPayload } from './validate';

/** Most rows a page of the staff API gives. */
export const MAX_PER_PAGE = 200;

/**
 * The query string of the staff API's lists: the dashboard's filters and paging. Page numbers are
 * read as numbers first (`apiQuery`), so that a page size out of range is told its range.
 */
export const apiQuerySchema = {
  $id: 'api.query',
  type: 'object',
  additionalProperties: false,
  properties: {
    from: {
      type: 'string',
      title: 'from',
      description: 'First day of the period (program time zone), YYYY-MM-DD. Default: the program start.',
      format: 'date',
    },
    to: {
      type: 'string',
      title: 'to',
      description: 'Last day of the period, YYYY-MM-DD, on or after from. Default: today.',
      format: 'date',
    },
    track: { type: 'string', title: 'track', description: 'Only this program track.', enum: Object.keys(TRACKS) },
    format: { type: 'string', title: 'format', description: 'Only engagements of this format.', enum: Object.keys(FORMATS) },
    topic: { type: 'string', title: 'topic', description: 'Only this topic (its slug).', pattern: '^[a-z0-9-]{1,64}$' },
    consultant: {
      type: 'string',
      title: 'consultant',
      description: "Only this consultant's work (a user id).",
      pattern: '^[1-9][0-9]{0,8}$',
    },
    jurisdiction: {
      type: 'string',
      title: 'jurisdiction',
      description: 'Only this state or jurisdiction (two letters).',
      pattern: '^[A-Za-z]{2}$',
    },
    page: { type: 'integer', title: 'page', description: 'Page number, from 1.', minimum: 1, maximum: 100000 },
    per_page: {
      type: 'integer',
      title: 'per_page',
      description: `Rows a page, 1 to ${MAX_PER_PAGE}. Default: 50.`,
      minimum: 1,
      maximum: MAX_PER_PAGE,
    },
  },
} as const;

const checkApiQuery = compile<{
  from?: string;
  to?: string;
  track?: string;
  format?: string;
  topic?: string;
  consultant?: string;
  jurisdiction?: string;
  page?: number;
  per_page?: number;
}>(apiQuerySchema);

/** Judges a list's query string: page numbers as numbers, anything unknown named as such. */
export function validateApiQuery(query: Record<string, unknown>) {
  // A parameter given twice (an array) or unknown is passed on as it is, for the schema to refuse.
  const asIs = Object.fromEntries(Object.entries(query).filter(([k, v]) => !(k in apiQuerySchema.properties) || Array.isArray(v)));
  const known = formToPayload(Object.fromEntries(Object.entries(query).filter(([k]) => !(k in asIs))), apiQuerySchema);
  return checkApiQuery({ ...asIs, ...known });
}

/** A change to an engagement: any of its fields; those left out keep their value. */
export const engagementPatchSchema = {
  $id: 'engagement.patch',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: engagementSchema.properties,
} as const;
export const validateEngagementPatch = compile<Record<string, unknown>>(engagementPatchSchema);
