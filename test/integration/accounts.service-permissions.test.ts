import assert from 'node:assert/strict';
import { ForbiddenError } from '../../server/errors';
import { clearSignInWait } from '../../server/services/auth.service';
import { importKeptUpload, importUpload } from '../../server/services/import-upload.service';
import { resetFactors } from '../../server/services/mfa.service';
import { apiTokenInForce, apiTokensFor, createApiToken, revokeApiToken } from '../../server/services/token.service';
import { addTopic, renameTopic, setTopicActive, topicsForAdmin } from '../../server/services/topic.service';
import { createUser, setUserActive, updateUserDetails, userForAdmin, usersForAdmin } from '../../server/services/user.service';
import { type TestUser, makeUser } from '../helpers/auth';
import { describeEachEngine } from '../helpers/db';

const SCRYPT = { logN: 10, r: 8, p: 1 };
const ZONE = 'America/New_York';

/**
 * The directors' work on accounts, topics, API tokens and imports is refused to a consultant by
 * the services themselves (403), whoever calls them (the web, the API, a command), and nothing is
 * written: the routes' own guard is not the only one.
 */
describeEachEngine('Accounts, topics, tokens and imports: the services refuse a consultant', (t) => {
  let director: TestUser;
  let consultant: TestUser;
  let other: TestUser;
  let topicId: number;
  let tokenId: number;

  const counts = async () => {
    const n = async (table: string) => Number((await t.db.knex(table).count({ n: '*' }))[0].n);
    return {
      users: await n('users'),
      topics: await n('topics'),
      tokens: await n('api_tokens'),
      revoked: Number((await t.db.knex('api_tokens').whereNotNull('revoked_at').count({ n: '*' }))[0].n),
      audit: await n('audit_events'),
      cases: await n('cases'),
      uploads: await n('import_uploads'),
    };
  };

  /** `call` is refused with 403 and changes nothing that the counts see. */
  async function refused(call: () => Promise<unknown>): Promise<void> {
    const before = await counts();
    await assert.rejects(call, (err: unknown) => err instanceof ForbiddenError && err.status === 403);
    assert.deepEqual(await counts(), before);
  }

  before(async () => {
    director = await makeUser({ role: 'director' });
    consultant = await makeUser({ role: 'consultant' });
    other = await makeUser({ role: 'consultant' });
    topicId = Number((await t.db.knex('topics').first('id')).id);
    tokenId = (await createApiToken(director, 'Workbook')).id;
  });

  it('user administration (list, read, create, update, deactivate, reactivate) is refused to a consultant', async () => {
    await refused(() => usersForAdmin(consultant));
    await refused(() => userForAdmin(consultant, other.id));
    await refused(() =>
      createUser(
        { name: 'Someone New', email: 'new.one@leep.test', role: 'director', password: 'Quiet-orchard-lantern-72' },
        { scrypt: SCRYPT, actor: consultant },
      ),
    );
    await refused(() => updateUserDetails(other.id, { name: 'Renamed', email: other.email, role: 'director' }, consultant));
    await refused(() => setUserActive(other.id, false, consultant));
    await refused(() => setUserActive(other.id, true, consultant));
    assert.equal((await t.db.knex('users').where({ id: other.id }).first()).name, other.name);
  });

  it("another user's sign-in (second factors reset, the wait after failed sign-ins cleared) is refused to a consultant", async () => {
    await refused(() => resetFactors(consultant, other.id, '127.0.0.1'));
    await refused(() => clearSignInWait(consultant, other.id, '127.0.0.1'));
  });

  it('topics (list with use, add, rename, retire, restore) are refused to a consultant', async () => {
    await refused(() => topicsForAdmin(consultant));
    await refused(() => addTopic({ name: 'Made by a consultant' }, consultant));
    await refused(() => renameTopic(topicId, { name: 'Renamed by a consultant' }, consultant));
    await refused(() => setTopicActive(topicId, false, consultant));
    await refused(() => setTopicActive(topicId, true, consultant));
  });

  it('API tokens (make, list, name one, revoke) are refused to a consultant', async () => {
    await refused(() => createApiToken(consultant, 'My tool', 'write'));
    await refused(() => apiTokensFor(consultant));
    await refused(() => apiTokenInForce(consultant, tokenId));
    await refused(() => revokeApiToken(tokenId, consultant));
  });

  it('an import (checked or for real, or of a kept file) is refused to a consultant', async () => {
    const file = { name: 'records.csv', text: 'case_key\nA-1\n' };
    await refused(() => importUpload(consultant, file, { dryRun: true, timeZone: ZONE }));
    await refused(() => importUpload(consultant, file, { dryRun: false, timeZone: ZONE }));
    await refused(() => importKeptUpload(consultant, 'any-token', { timeZone: ZONE }));
  });

  it('the same services, for a director, do the work (the refusal is about the role, not the call)', async () => {
    assert.ok((await usersForAdmin(director)).some((u) => u.id === other.id));
    assert.equal((await userForAdmin(director, other.id)).user.email, other.email);
    assert.ok((await topicsForAdmin(director)).some((topic) => topic.id === topicId));
    assert.ok((await apiTokensFor(director)).some((token) => Number(token.id) === tokenId));
    await revokeApiToken(tokenId, director);
    assert.ok((await t.db.knex('api_tokens').where({ id: tokenId }).first()).revoked_at);
  });
});
