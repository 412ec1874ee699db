// Run by test/integration/applications.logging.test.ts in a child process (pino writes to the
// process's stdout): a fresh database, the app at LOG_LEVEL=debug, a cohort, an application
// through the form and three visits to its status page. The status and the link go to stderr so
// that the test knows what to look for. A real module, so that the type-check sees its imports.
import request from 'supertest';
import { csrfTokenOf, encodeForm, testApp } from '../helpers/app';
import { freshDatabase } from '../helpers/db';
import { applicationForm } from '../helpers/programs-applications';
import { makeCohort } from '../helpers/programs-cohorts';

async function main(): Promise<void> {
  const db = await freshDatabase(process.env.ENGINE === 'postgres' ? 'postgres' : 'sqlite');
  try {
    const { app } = testApp({ LOG_LEVEL: 'debug' });
    const cohort = await makeCohort(db.knex);
    const agent = request.agent(app);
    const token = csrfTokenOf((await agent.get(`/cohorts/${cohort.id}/apply`)).text);
    const res = await agent
      .post(`/cohorts/${cohort.id}/apply`)
      .type('form')
      .send(encodeForm({ ...applicationForm(), _csrf: token }));
    const link = String(res.headers.location);
    const page = link.split('?')[0];
    for (const visit of [link, page, `${page}/`]) await request(app).get(visit);
    process.stderr.write(`STATUS ${res.status} LINK ${link}\n`);
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
