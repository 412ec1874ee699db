import { nowIso } from '../values';
import { isUniqueViolation } from '../errors';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { transaction } from '../queries/database.queries';
import {
  findTopicById,
  findTopicByName,
  insertTopic,
  nextTopicPosition,
  slugTaken,
  topicsWithUse,
  updateTopic,
} from '../queries/topic.queries';
import { insertAudit } from '../queries/user.queries';
import { validateTopic } from '../schemas/topic.schemas';
import { type StaffActor, mustBeDirector } from './directors';

/** Every topic, active and retired, with how many cases and engagements carry it (directors). */
export async function topicsForAdmin(actor: StaffActor): ReturnType<typeof topicsWithUse> {
  mustBeDirector(actor);
  return topicsWithUse();
}

/** The slug of a name: lower-case words joined by dashes (`Early learning` → `early-learning`). */
function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56)
    .replace(/-+$/, '');
  return slug || 'topic';
}

async function checkedName(payload: unknown, exceptId: number | null): Promise<string> {
  const name = validateTopic(payload).name.trim().replace(/\s+/g, ' ');
  if (await findTopicByName(name, exceptId))
    throw new ValidationError([{ field: 'name', message: 'There is already a topic with this name' }]);
  return name;
}

/** Adds a topic (directors): listed last, offered on the request form at once. */
export async function addTopic(payload: unknown, actor: StaffActor): Promise<number> {
  mustBeDirector(actor);
  const name = await checkedName(payload, null);
  try {
    return await transaction(async (trx) => {
      const at = nowIso();
      // The slug is what the API and old links use: made once, never changed by a rename.
      const base = slugOf(name);
      let slug = base;
      for (let n = 2; await slugTaken(slug, trx); n += 1) slug = `${base}-${n}`;
      const id = await insertTopic(trx, {
        slug,
        name,
        active: true,
        position: await nextTopicPosition(trx),
        created_at: at,
        updated_at: at,
      });
      await insertAudit(trx, {
        actor_user_id: actor.id,
        action: 'topic.added',
        subject: `topic:${id}`,
        detail: { slug, name },
        created_at: at,
      });
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('That topic was added at the same moment by someone else. Reload the page.');
    throw err;
  }
}

/** Renames a topic (directors): old records and reports show the new name; its slug stays. */
export async function renameTopic(id: number, payload: unknown, actor: StaffActor): Promise<void> {
  mustBeDirector(actor);
  const topic = await findTopicById(id);
  if (!topic) throw new NotFoundError('We could not find that topic.');
  const name = await checkedName(payload, id);
  if (name === topic.name) return;
  await transaction(async (trx) => {
    const at = nowIso();
    await updateTopic(trx, id, { name, updated_at: at });
    await insertAudit(trx, {
      actor_user_id: actor.id,
      action: 'topic.renamed',
      subject: `topic:${id}`,
      detail: { before: topic.name, after: name },
      created_at: at,
    });
  });
}

/**
 * Retires a topic, or brings it back (directors). A retired topic stays on the cases and
 * engagements that have it and in reports, but is no longer offered on the request form.
 */
export async function setTopicActive(id: number, active: boolean, actor: StaffActor): Promise<void> {
  mustBeDirector(actor);
  const topic = await findTopicById(id);
  if (!topic) throw new NotFoundError('We could not find that topic.');
  if (topic.active === active) return;
  await transaction(async (trx) => {
    const at = nowIso();
    await updateTopic(trx, id, { active, updated_at: at });
    await insertAudit(trx, {
      actor_user_id: actor.id,
      action: active ? 'topic.restored' : 'topic.retired',
      subject: `topic:${id}`,
      detail: { name: topic.name },
      created_at: at,
    });
  });
}
