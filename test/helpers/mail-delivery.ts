import assert from 'node:assert/strict';
import type { Express } from 'express';
import type { Config } from '../../server/config';
import type { MailWorker } from '../../server/services/mail.worker';
import { testApp } from './app';
import { TestUser, makeUser } from './auth';
import { StaffClient, staffClient } from './cases';
import type { TestDatabase } from './db';
import { ReceivedMail, TestSmtp, deliverAll, mailWorker, startSmtp } from './mail';

/** A YYYY-MM-DD date as people read it in mail ("Mar 4, 2031"), worked out here, not by the app's formatter. */
export const inWords = (date: string) => {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(
    Date.UTC(y, m - 1, d),
  );
};

const LINK = /http:\/\/leep\.test\/[^\s<>"]+/g;

/** The links in a text. */
export const linksIn = (text: string): string[] => text.match(LINK) ?? [];

/**
 * What the mail-delivery tests share (inside a describeEachEngine): in `env`, set before the tests,
 * the app, a real SMTP server, a fresh worker for each test (with what earlier set-up wrote already
 * sent), a signed-in director and the staff mail must or must not reach; and ways to read what arrived.
 */
export function mailDelivery(ctx: { db: TestDatabase }) {
  const env = {} as {
    app: Express;
    config: Readonly<Config>;
    smtp: TestSmtp;
    worker: MailWorker;
    director: StaffClient;
    otherDirector: TestUser;
    inactiveDirector: TestUser;
    bystander: TestUser;
  };

  before(async () => {
    // Built here, not when the file loads, so that notifications use this app's settings.
    ({ app: env.app, config: env.config } = testApp());
    env.smtp = await startSmtp();
    env.director = await staffClient(env.app, await makeUser({ role: 'director', name: 'Dora Director' }));
    env.otherDirector = await makeUser({ role: 'director', name: 'Otto Director' });
    env.inactiveDirector = await makeUser({ role: 'director', name: 'Ina Inactive', active: false });
    env.bystander = await makeUser({ role: 'consultant', name: 'Bea Bystander' });
  });

  beforeEach(async () => {
    env.worker = mailWorker(env.smtp.url);
    // What earlier set-up wrote (staff accounts write nothing, but be sure) goes out before the test.
    await deliverAll(env.worker);
  });

  afterEach(async () => {
    await env.worker.stop();
  });

  after(async () => {
    await env.smtp?.close();
  });

  const activeDirectorEmails = async (): Promise<string[]> =>
    (await ctx.db.knex('users').where({ role: 'director', active: true }).pluck('email')).map((e: string) => e.toLowerCase()).sort();
  const caseByEmail = async (email: string) => {
    const row = await ctx.db.knex('cases').where({ requester_email: email }).first('id', 'reference', 'title');
    assert.ok(row, `no case for ${email}`);
    return { id: Number(row.id), reference: String(row.reference), title: String(row.title) };
  };
  /** What the server received since `mark`, for the case. */
  const newFor = (mark: number, reference: string): ReceivedMail[] =>
    env.smtp.received.slice(mark).filter((m) => m.subject.includes(reference));
  const only = (messages: ReceivedMail[], to: string): ReceivedMail => {
    const found = messages.filter((m) => m.rcptTo.includes(to));
    assert.equal(found.length, 1, `expected one message to ${to}, got ${found.length}`);
    return found[0];
  };

  return { env, activeDirectorEmails, caseByEmail, newFor, only };
}
