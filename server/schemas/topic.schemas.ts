import { compile } from './validate';

interface TopicInput {
  name: string;
}

/** Adding or renaming a topic: the name people see (its slug is made once, when it is added). */
export const topicSchema = {
  $id: 'topic.save',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', title: 'Topic name', maxLength: 120, pattern: '\\S' },
  },
} as const;

export const validateTopic = compile<TopicInput>(topicSchema);
