import type { Request, Response } from 'express';
import type { ValidationError } from '../errors';
import { topicSchema } from '../schemas/topic.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import { addTopic, renameTopic, setTopicActive, topicsForAdmin } from '../services/topic.service';
import { actorOf, errorsOf, formOrAgain } from './helpers';
import { idParam } from './params';

/** The topics page; `failed` re-renders it with a form's errors (the add form, or one topic's rename). */
async function renderIndex(req: Request, res: Response, status = 200, failed?: { err: ValidationError; topicId?: number }): Promise<void> {
  const topics = await topicsForAdmin(actorOf(req));
  const body = keptValues((req.body ?? {}) as Record<string, unknown>);
  const forNew = failed && failed.topicId === undefined;
  res.status(status).render('pages/admin/topics/index', {
    title: failed ? 'Error: Topics' : 'Topics',
    topics: topics.map((t) => {
      const mine = failed?.topicId === t.id;
      return {
        ...t,
        renameValue: mine ? body.name : t.name,
        renameError: mine ? failed?.err.errors.find((e) => e.field === 'name')?.message : undefined,
      };
    }),
    values: forNew ? body : {},
    ...(forNew
      ? errorsOf(failed.err)
      : { errors: {}, errorList: failed ? failed.err.errors.map((e) => ({ ...e, field: `rename-${failed.topicId}` })) : [] }),
    flash: req.query.saved ? 'Saved.' : undefined,
  });
}

/** GET /admin/topics: every topic, active and retired, with how much it is used. */
export async function index(req: Request, res: Response): Promise<void> {
  await renderIndex(req, res);
}

/** POST /admin/topics: adds a topic. */
export async function create(req: Request, res: Response): Promise<void> {
  await formOrAgain(
    res,
    async () => {
      await addTopic(formToPayload((req.body ?? {}) as Record<string, unknown>, topicSchema), actorOf(req));
      res.redirect(303, '/admin/topics?saved=1');
    },
    (err) => renderIndex(req, res, 422, { err }),
  );
}

/** POST /admin/topics/:id: renames a topic. */
export async function rename(req: Request, res: Response): Promise<void> {
  const id = idParam(req);
  await formOrAgain(
    res,
    async () => {
      await renameTopic(id, formToPayload((req.body ?? {}) as Record<string, unknown>, topicSchema), actorOf(req));
      res.redirect(303, '/admin/topics?saved=1');
    },
    (err) => renderIndex(req, res, 422, { err, topicId: id }),
  );
}

export async function retire(req: Request, res: Response): Promise<void> {
  await setTopicActive(idParam(req), false, actorOf(req));
  res.redirect(303, '/admin/topics?saved=1');
}

export async function restore(req: Request, res: Response): Promise<void> {
  await setTopicActive(idParam(req), true, actorOf(req));
  res.redirect(303, '/admin/topics?saved=1');
}
