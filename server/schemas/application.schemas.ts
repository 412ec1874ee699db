import { JURISDICTION_CODES } from '../../seeds/data/jurisdictions';
import { DECISIONS } from '../vocabulary';
import { formSchema } from './cohort.schemas';
import { compile } from './validate';

const text = (title: string, maxLength: number) => ({ type: 'string', title, maxLength, pattern: '\\S' }) as const;

/** An application to a cohort as the public form sends it. */
export interface ApplicationInput {
  name: string;
  email: string;
  jurisdiction: string;
  board_role: string;
  years_on_board: number;
  equity_commitment: string;
  race_culture_openness: string;
  leadership: string;
  website?: string;
  idempotency_key?: string;
}

export const applicationSchema = {
  $id: 'application.create',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email', 'jurisdiction', 'board_role', 'years_on_board', 'equity_commitment', 'race_culture_openness', 'leadership'],
  properties: {
    name: text('Your name', 120),
    email: { type: 'string', title: 'E-mail address', maxLength: 254, format: 'email' },
    jurisdiction: { type: 'string', title: 'Your state or jurisdiction', enum: [...JURISDICTION_CODES] },
    board_role: text('Your role on the board', 120),
    years_on_board: { type: 'integer', title: 'Years on the board', minimum: 0, maximum: 60 },
    equity_commitment: text('Your commitment to equity', 5000),
    race_culture_openness: text('Your openness to exploring race and culture in education', 5000),
    leadership: text('Your leadership', 5000),
    website: { type: 'string', title: 'Leave this field empty', maxLength: 500 },
    idempotency_key: { type: 'string', title: 'Submission key', minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' },
  },
} as const;
export const validateApplication = compile<ApplicationInput>(applicationSchema);

/** The three criteria reviewers score, in the order the forms and pages show them. */
export const CRITERIA = [
  { key: 'equity', label: 'Commitment to equity', answer: 'equity_commitment' },
  { key: 'openness', label: 'Openness to exploring race and culture in education', answer: 'race_culture_openness' },
  { key: 'leadership', label: 'Leadership', answer: 'leadership' },
] as const;

interface ReviewInput {
  equity_score: number;
  equity_comment: string;
  openness_score: number;
  openness_comment: string;
  leadership_score: number;
  leadership_comment: string;
}

const score = (title: string) => ({ type: 'integer', title, enum: [1, 2, 3, 4, 5] }) as const;

export const reviewSchema = {
  $id: 'application.review',
  type: 'object',
  additionalProperties: false,
  required: ['equity_score', 'equity_comment', 'openness_score', 'openness_comment', 'leadership_score', 'leadership_comment'],
  properties: {
    equity_score: score('A score for commitment to equity'),
    equity_comment: text('A comment on commitment to equity', 2000),
    openness_score: score('A score for openness to exploring race and culture'),
    openness_comment: text('A comment on openness to exploring race and culture', 2000),
    leadership_score: score('A score for leadership'),
    leadership_comment: text('A comment on leadership', 2000),
  },
} as const;
export const validateReview = compile<ReviewInput>(reviewSchema);

interface DecisionInput {
  decision: keyof typeof DECISIONS;
}
export const decisionSchema = formSchema('application.decision', ['decision'], {
  decision: { type: 'string', title: 'A decision', enum: Object.keys(DECISIONS) },
} as const);
export const validateDecision = compile<DecisionInput>(decisionSchema);
