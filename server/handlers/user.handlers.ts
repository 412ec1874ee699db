import type { Request, Response } from 'express';
import { idParam } from './params';
import { userCreateSchema, userUpdateSchema } from '../schemas/user.schemas';
import { formToPayload, keptValues } from '../schemas/validate';
import { clearSignInWait } from '../services/auth.service';
import { resetFactors } from '../services/mfa.service';
import { topicList } from '../services/reference.service';
import { createUser, setUserActive, updateUserDetails, userForAdmin, usersForAdmin } from '../services/user.service';
import { ROLES, choices } from '../vocabulary';
import { askFirst } from './confirm';
import { actorOf, errorsOf, formOrAgain } from './helpers';
import { ipOf, scryptOf } from './sign-in';

const DONE: Record<string, string> = {
  'mfa-reset': 'Their second factors have been removed and their sessions ended. They will set up a new one at their next sign-in.',
  'wait-cleared': 'They can sign in again now.',
};

const userId = (req: Request) => idParam(req);

async function formContext() {
  const topics = await topicList();
  return { roles: choices(ROLES), topicOptions: topics.map((t) => ({ value: t.slug, label: t.name })) };
}

export async function index(req: Request, res: Response): Promise<void> {
  const [users, topics] = await Promise.all([usersForAdmin(actorOf(req)), topicList({ includeRetired: true })]);
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
  await formOrAgain(
    res,
    async () => {
      await createUser(formToPayload(body, userCreateSchema), { scrypt: scryptOf(req), actor: actorOf(req) });
      res.redirect(303, '/admin/users?saved=1');
    },
    async (err) => {
      const { password: _p, password_confirmation: _c, ...kept } = body;
      res.render('pages/admin/users/new', {
        title: 'Error: Add a user',
        values: keptValues(kept),
        ...errorsOf(err),
        ...(await formContext()),
      });
    },
  );
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const { user, topicIds, signIn } = await userForAdmin(actorOf(req), userId(req));
  const topics = await topicList({ includeRetired: true });
  const mine = new Set(topicIds);
  res.render('pages/admin/users/edit', {
    title: `Edit ${user.name}`,
    user,
    isSelf: user.id === req.user?.id,
    signIn,
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
  const { user, signIn } = await userForAdmin(actorOf(req), id);
  const body = (req.body ?? {}) as Record<string, unknown>;
  await formOrAgain(
    res,
    async () => {
      await updateUserDetails(id, formToPayload(body, userUpdateSchema), actorOf(req));
      res.redirect(303, '/admin/users?saved=1');
    },
    async (err) =>
      res.render('pages/admin/users/edit', {
        title: `Error: Edit ${user.name}`,
        user,
        isSelf: user.id === req.user?.id,
        signIn,
        values: keptValues(body),
        ...errorsOf(err),
        ...(await formContext()),
      }),
  );
}

export async function deactivate(req: Request, res: Response): Promise<void> {
  const { user } = await userForAdmin(actorOf(req), userId(req));
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
  await resetFactors(actorOf(req), userId(req), ipOf(req));
  res.redirect(303, `/admin/users/${userId(req)}/edit?done=mfa-reset`);
}

/** POST /admin/users/:id/sign-in-wait/clear: a director lets a user sign in again at once after failed attempts. */
export async function clearWait(req: Request, res: Response): Promise<void> {
  await clearSignInWait(actorOf(req), userId(req), ipOf(req));
  res.redirect(303, `/admin/users/${userId(req)}/edit?done=wait-cleared`);
}
