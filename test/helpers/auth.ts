import type { Express } from 'express';
import request from 'supertest';
import { nowIso } from '../../server/db';
import { insertUser, setUserTopics } from '../../server/queries/user.queries';
import { hashPassword } from '../../server/services/password.service';
import { db } from '../../server/db';
import { csrfTokenOf, encodeForm } from './app';

export const TEST_PASSWORD = 'Granite-lamp-harbor-41';
let counter = 0;
let cachedHash: Promise<string> | undefined;

export interface TestUser {
  id: number;
  email: string;
  name: string;
  role: 'director' | 'consultant';
  password: string;
}

/** A staff user stored directly (password TEST_PASSWORD), with optional expertise topic ids. */
export async function makeUser(overrides: Partial<{ role: 'director' | 'consultant'; name: string; email: string; capacity: number; active: boolean; topicIds: number[] }> = {}): Promise<TestUser> {
  counter += 1;
  cachedHash ??= hashPassword(TEST_PASSWORD, { logN: 10, r: 8, p: 1 });
  const role = overrides.role ?? 'consultant';
  const name = overrides.name ?? `${role === 'director' ? 'Director' : 'Consultant'} ${counter}`;
  const email = (overrides.email ?? `${role}${counter}.${Date.now()}@leep.test`).toLowerCase();
  const at = nowIso();
  const id = await insertUser(db, {
    email,
    name,
    role,
    password_hash: await cachedHash,
    active: overrides.active ?? true,
    capacity: overrides.capacity ?? 5,
    created_at: at,
    updated_at: at,
  });
  if (overrides.topicIds?.length) await setUserTopics(db, id, overrides.topicIds);
  return { id, email, name, role, password: TEST_PASSWORD };
}

export type Agent = ReturnType<typeof request.agent>;

/** An agent signed in as the user; `csrf(page)` fetches a page and returns its CSRF token. */
export async function signInAs(app: Express, user: { email: string; password: string }): Promise<Agent & { csrf: (page?: string) => Promise<string> }> {
  const agent = request.agent(app) as Agent & { csrf: (page?: string) => Promise<string> };
  const form = await agent.get('/login').expect(200);
  const res = await agent
    .post('/login')
    .type('form')
    .send(encodeForm({ _csrf: csrfTokenOf(form.text), email: user.email, password: user.password }));
  if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}: ${res.text.slice(0, 300)}`);
  agent.csrf = async (page = '/account/password') => csrfTokenOf((await agent.get(page).expect(200)).text);
  return agent;
}
