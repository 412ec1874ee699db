import type { Request, Response } from 'express';
import { idParam } from './params';
import { NotFoundError, ValidationError } from '../errors';
import { listTopics } from '../queries/reference.queries';
import { findUserById, listUsers, topicIdsOfUser } from '../queries/user.queries';
import { userCreateSchema, userUpdateSchema } from '../schemas/user.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import { createUser, setUserActive, updateUserDetails } from '../services/user.service';
import { ROLES, choices } from '../vocabulary';
import { errorsOf } from './helpers';
import { scryptOf } from './auth.handlers';
import { clearSignInWait, signInWaitOf } from '../services/auth.service';
import { factorsOf, resetFactors } from '../services/mfa.service';

const DONE: Record<string, string> = {
  'mfa-reset': 'Their second factors have been removed and their sessions ended. They will set up a new one at their next sign-in.',
  'wait-cleared': 'They can sign in again now.',
};

/** What the edit page shows about a user's sign-in: factors and any wait after failed attempts. */
async function signInStateOf(user: { id: number; email: string }) {
  const [factors, waitUntil] = await Promise.all([factorsOf(user.id), signInWaitOf(user.email)]);
  return { factors, waiting: waitUntil > Date.now() ? new Date(waitUntil).toISOString() : undefined };
}
import { askFirst } from './confirm';

const actorOf = (req: Request) => req.user as { id: number; role: 'director' | 'consultant' };

const userId = (req: Request) => idParam(req);

async function formContext() {
  const topics = await listTopics();
  return { roles: choices(ROLES), topicOptions: topics.map((t) => ({ value: t.slug, label: t.name })) };
}

export async function index(req: Request, res: Response): Promise<void> {
  const [users, topics] = await Promise.all([listUsers(), listTopics({ includeRetired: true })]);
  const topicName = new Map(topics.map((t) => [t.id, t.name]));
  res.render('pages/admin/users/index', {
    title: 'Users',
    users: users.map((u) => ({
      ...u,
      roleLabel: ROLES[u.role],
      expertise: u.topic_ids
        .map((id) => topicName.get(id))
        .filter(Boolean)
        .join(', '),
      isSelf: u.id === req.user?.id,
    })),
    flash: req.query.saved ? 'Saved.' : undefined,
  });
}

export async function newForm(_req: Request, res: Response): Promise<void> {
  res.render('pages/admin/users/new', {
    title: 'Add a user',
    values: { role: 'consultant', capacity: '5' },
    errors: {},
    errorList: [],
    ...(await formContext()),
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    await createUser(formToPayload(body, userCreateSchema), { scrypt: scryptOf(req), actorId: actorOf(req).id });
    res.redirect(303, '/admin/users?saved=1');
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const { password: _p, password_confirmation: _c, ...kept } = body;
    res.status(422).render('pages/admin/users/new', {
      title: 'Error: Add a user',
      values: keptValues(kept),
      ...errorsOf(err),
      ...(await formContext()),
    });
  }
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const user = await findUserById(userId(req));
  if (!user) throw new NotFoundError();
  const topics = await listTopics({ includeRetired: true });
  const mine = new Set(await topicIdsOfUser(user.id));
  res.render('pages/admin/users/edit', {
    title: `Edit ${user.name}`,
    user,
    isSelf: user.id === req.user?.id,
    signIn: await signInStateOf(user),
    notice: DONE[String(req.query.done ?? '')],
    values: {
      name: user.name,
      email: user.email,
      role: user.role,
      capacity: String(user.capacity),
      topics: topics.filter((t) => mine.has(t.id)).map((t) => t.slug),
    },
    errors: {},
    errorList: [],
    ...(await formContext()),
  });
}

export async function update(req: Request, res: Response): Promise<void> {
  const id = userId(req);
  const user = await findUserById(id);
  if (!user) throw new NotFoundError();
  const body = (req.body ?? {}) as Record<string, unknown>;
  try {
    await updateUserDetails(id, formToPayload(body, userUpdateSchema), actorOf(req));
    res.redirect(303, '/admin/users?saved=1');
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    res.status(422).render('pages/admin/users/edit', {
      title: `Error: Edit ${user.name}`,
      user,
      isSelf: user.id === req.user?.id,
      signIn: await signInStateOf(user),
      values: keptValues(body),
      ...errorsOf(err),
      ...(await formContext()),
    });
  }
}

export async function deactivate(req: Request, res: Response): Promise<void> {
  const user = await findUserById(userId(req));
  if (!user) throw new NotFoundError();
  const asked = askFirst(req, res, {
    title: `Deactivate ${user.name}?`,
    details: [
      `${user.name} (${user.email}) will be signed out at once and will no longer be able to sign in. Their cases, engagements and notes are kept; reassign their open cases from each case page. A director can reactivate the account later.`,
    ],
    confirmLabel: `Yes, deactivate ${user.name}`,
    backHref: '/admin/users',
  });
  if (asked) return;
  await setUserActive(userId(req), false, actorOf(req));
  res.redirect(303, '/admin/users?saved=1');
}

export async function reactivate(req: Request, res: Response): Promise<void> {
  await setUserActive(userId(req), true, actorOf(req));
  res.redirect(303, '/admin/users?saved=1');
}

/** POST /admin/users/:id/mfa-reset: a director removes another user's second factors; their sessions end. */
export async function resetMfa(req: Request, res: Response): Promise<void> {
  await resetFactors(actorOf(req).id, userId(req), req.ip ?? 'unknown');
  res.redirect(303, `/admin/users/${userId(req)}/edit?done=mfa-reset`);
}

/** POST /admin/users/:id/sign-in-wait/clear: a director lets a user sign in again at once after failed attempts. */
export async function clearWait(req: Request, res: Response): Promise<void> {
  await clearSignInWait(actorOf(req).id, userId(req), req.ip ?? 'unknown');
  res.redirect(303, `/admin/users/${userId(req)}/edit?done=wait-cleared`);
}
