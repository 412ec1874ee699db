import assert from 'node:assert/strict';
import { ValidationError } from '../../server/errors';
import { membersOf, validateEventAttendance, validateTeam } from '../../server/schemas/network.schemas';

describe('membersOf', () => {
  it('membersOf, with two filled rows and empty ones between, gives the two members in order, trimmed', () => {
    const input = validateTeam({
      jurisdiction: 'OH',
      member_1_name: ' Ana ',
      member_1_role: 'Chair',
      member_1_organization: 'state_board',
      member_4_name: 'Ben',
      member_4_role: 'Deputy',
      member_4_organization: 'state_agency',
    });
    assert.deepEqual(membersOf(input), {
      members: [
        { name: 'Ana', role: 'Chair', organization: 'state_board' },
        { name: 'Ben', role: 'Deputy', organization: 'state_agency' },
      ],
      errors: [],
    });
  });

  it('membersOf, with no member at all, asks for one at the first row', () => {
    assert.deepEqual(
      membersOf(validateTeam({ jurisdiction: 'OH' })).errors.map((e) => e.field),
      ['member_1_name'],
    );
  });

  it('membersOf, with a row missing its name and organization, names both and keeps the row out', () => {
    const { members, errors } = membersOf(validateTeam({ jurisdiction: 'OH', member_2_role: 'Chair' }));
    assert.deepEqual([members, errors.map((e) => e.field)], [[], ['member_2_name', 'member_2_organization']]);
  });

  it('validateEventAttendance, with team ids given as text, throws naming the list', () => {
    assert.throws(
      () => validateEventAttendance({ team_ids: ['3'], summary: 'x' }),
      (err: unknown) => err instanceof ValidationError && err.errors[0].field === 'team_ids',
    );
  });
});
