import { objectSchema } from './fragments';
import { compile } from './validate';

interface TopicInput {
  name: string;
}

/** Adding or renaming a topic: the name people see (its slug is made once, when it is added). */
export const topicSchema = objectSchema('topic.save', ['name'], {
  name: { type: 'string', title: 'Topic name', maxLength: 120, pattern: '\\S' },
});

export const validateTopic = compile<TopicInput>(topicSchema);
