import { compile } from './validate';

interface FeedbackInput {
  quality: number;
  relevance: number;
  usefulness: number;
  comment?: string;
}

const rating = (title: string) => ({ type: 'integer', title, minimum: 1, maximum: 5 }) as const;

export const feedbackSchema = {
  $id: 'feedback.create',
  type: 'object',
  additionalProperties: false,
  required: ['quality', 'relevance', 'usefulness'],
  properties: {
    quality: rating('A rating of the quality of the help'),
    relevance: rating('A rating of how relevant the help was'),
    usefulness: rating('A rating of how useful the help was'),
    comment: { type: 'string', title: 'Comment', maxLength: 2000 },
  },
} as const;

export const validateFeedback = compile<FeedbackInput>(feedbackSchema);
