import assert from 'node:assert/strict';
import { testApp } from './app';
import { makeUser } from './auth';
import { StaffClient, TestCase, listedCaseIds, makeCase, staffClient } from './cases';
import type { TestDatabase } from './db';

export const DAY = 24 * 60 * 60 * 1000;
export const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

/** The table rows of a list page, each with its text. */
export const rowsOf = (html: string) => (html.split('<tbody>')[1] ?? '').split('</tbody>')[0].split('<tr>').slice(1);

/**
 * What the case-list tests share (inside a describeEachEngine): the app, a director signed in
 * before the tests (in `people`), cases tagged with a test's marker, and the list as a director sees it.
 */
export function caseList(ctx: { db: TestDatabase }) {
  const { app } = testApp();
  const people = {} as { director: StaffClient };

  before(async () => {
    people.director = await staffClient(app, await makeUser({ role: 'director' }));
  });

  /** A case whose title carries the test's marker, so that the test can find its own cases. */
  const tagged = (tag: string, options: Parameters<typeof makeCase>[1] = {}) =>
    makeCase(ctx.db.knex, { ...options, payload: { title: `Case ${tag}`, ...options.payload } });

  const ids = (...cases: TestCase[]) => cases.map((c) => c.id).sort((a, b) => a - b);
  const listed = async (query: string) => {
    const res = await people.director.get(`/cases?${query}`);
    assert.equal(res.status, 200, res.text.slice(0, 500));
    return { res, ids: listedCaseIds(res.text) };
  };
  const sorted = (list: number[]) => [...list].sort((a, b) => a - b);

  return { people, tagged, ids, listed, sorted };
}
