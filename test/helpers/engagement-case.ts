import type { Express } from 'express';
import type { Config } from '../../server/config';
import { makeUser } from './auth';
import { makeCase, staffAgent } from './engagements';

/** A consultant, a case they lead, and their signed-in agent: where the engagement tests start. */
export async function consultantOnCase(app: Express, config: Readonly<Config>) {
  const consultant = await makeUser({ role: 'consultant' });
  const kase = await makeCase(config, { lead: consultant });
  const agent = await staffAgent(app, consultant);
  return { consultant, kase, agent };
}
