import request from 'supertest';
import { createApiToken } from '../../server/services/token.service';
import { testApp } from './app';
import { TestUser, makeUser } from './auth';
import { daysFromToday } from './engagements';

/**
 * What the staff API write tests share (inside a describeEachEngine): the app, and in `env`, set
 * before the tests, a director, a consultant and a write and a read token of the director's; a
 * valid engagement body and a POST with the write token (or another).
 */
export function apiWrites() {
  const { app, config } = testApp();
  const env = {} as { director: TestUser; consultant: TestUser; writeToken: string; readToken: string };

  before(async () => {
    env.director = await makeUser({ role: 'director' });
    env.consultant = await makeUser({ role: 'consultant' });
    env.writeToken = (await createApiToken(env.director, 'Staff tool', 'write')).token;
    env.readToken = (await createApiToken(env.director, 'Report workbook', 'read')).token;
  });

  const engagement = (overrides: Record<string, unknown> = {}) => ({
    status: 'scheduled',
    date: daysFromToday(7),
    start_time: '10:00',
    duration_minutes: 60,
    format: 'small_group',
    consultant_ids: [env.consultant.id],
    jurisdictions: ['OH'],
    topics: ['equity-lens'],
    ...overrides,
  });
  const post = (path: string, body: unknown, token = env.writeToken) =>
    request(app)
      .post(path)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);

  return { app, config, env, engagement, post };
}
