import type { Express } from 'express';
import type { Knex } from 'knex';
import request from 'supertest';
import { createApiToken } from '../../server/services/token.service';
import { Agent, makeUser, signInAs } from './auth';
import { Shape, generateReportData } from './reports-generate';
import { Raw, loadRaw } from './reports-raw';

const SHAPE: Shape = {
  seed: 41,
  cases: 70,
  engagements: 280,
  consultants: 5,
  codes: ['OH', 'KY', 'MI', 'DC', 'NV', 'PR', 'GU', 'CA'],
  extraCodes: ['VI', 'NM', 'MA', 'DC', 'PR', 'OH', 'WA'],
  neverServedCodes: ['WY', 'VT'],
  multi: 0.35,
  cancelled: 0.12,
  scheduled: 0.1,
  from: '2017-01-01',
  now: '2025-06-30T15:00:00.000Z',
};

/** The staff API tests' data: generated cases and engagements, their raw rows, and a signed-in director. */
export async function staffApiData(knex: Knex, app: Express): Promise<{ raw: Raw; consultants: number[]; agent: Agent }> {
  const { consultantIds: consultants } = await generateReportData(knex, SHAPE);
  const raw = await loadRaw(knex);
  const agent = await signInAs(app, await makeUser({ role: 'director' }));
  return { raw, consultants, agent };
}

/** `get(path)` with a fresh director's bearer token (or the one given); `token()` makes one as the tokens page does. */
export function bearerClient(app: Express) {
  async function token(): Promise<string> {
    const director = await makeUser({ role: 'director' });
    return (await createApiToken(director, 'Report workbook')).token;
  }
  const get = async (path: string, bearer?: string) =>
    request(app)
      .get(path)
      .set('Authorization', `Bearer ${bearer ?? (await token())}`);
  return { token, get };
}
