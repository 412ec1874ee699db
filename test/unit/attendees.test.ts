import assert from 'node:assert/strict';
import { JURISDICTIONS } from '../../seeds/data/jurisdictions';
import type { Attendee } from '../../server/schemas/engagement.schemas';
import { formatAttendees, parseAttendees } from '../../server/services/attendees';

const ALL = JURISDICTIONS.map((j) => ({ code: j.code, name: j.name }));
const parse = (text: string) => parseAttendees(text, ALL);

describe('attendees', () => {
  it('parseAttendees, with "name, role, state code" lines, reads each part', () => {
    assert.deepEqual(parse('Ann Lee, Board member, OH\nBo Diaz, Staff, KY'), {
      attendees: [
        { name: 'Ann Lee', role: 'Board member', jurisdiction: 'OH' },
        { name: 'Bo Diaz', role: 'Staff', jurisdiction: 'KY' },
      ],
    });
  });

  it('parseAttendees, with tab-separated lines pasted from a spreadsheet, reads them as commas', () => {
    assert.deepEqual(parse('Ann Lee\tBoard member\tOhio\r\nBo Diaz\t\tKY\r\n').attendees, [
      { name: 'Ann Lee', role: 'Board member', jurisdiction: 'OH' },
      { name: 'Bo Diaz', jurisdiction: 'KY' },
    ]);
  });

  it('parseAttendees, with state names and codes in any case, gives the USPS code', () => {
    const { attendees, error } = parse('A, ohio\nB, WEST VIRGINIA\nC, District of Columbia\nD, pr\nE, Board member, new york');
    assert.equal(error, undefined);
    assert.deepEqual(
      attendees.map((a) => a.jurisdiction),
      ['OH', 'WV', 'DC', 'PR', 'NY'],
    );
  });

  it('parseAttendees, with a role that contains commas before the state, keeps the whole role', () => {
    assert.deepEqual(parse('Cy Park, Chair, Committee on Equity, Board of Education, Indiana').attendees, [
      { name: 'Cy Park', role: 'Chair, Committee on Equity, Board of Education', jurisdiction: 'IN' },
    ]);
  });

  it('parseAttendees, with a name only or a name and a role, leaves out what is not given', () => {
    assert.deepEqual(parse('Hal Ito\nIda Cruz, Executive director').attendees, [
      { name: 'Hal Ito' },
      { name: 'Ida Cruz', role: 'Executive director' },
    ]);
  });

  it('parseAttendees, with blank and space-only lines and spaces around parts, skips and trims them', () => {
    assert.deepEqual(parse('\n   \n  Ann Lee ,  Board member ,  OH  \n\n\t\nBo Diaz\n').attendees, [
      { name: 'Ann Lee', role: 'Board member', jurisdiction: 'OH' },
      { name: 'Bo Diaz' },
    ]);
  });

  it('parseAttendees, with empty text, gives no attendees and no error', () => {
    assert.deepEqual(parse(''), { attendees: [] });
    assert.deepEqual(parse('\n\n'), { attendees: [] });
  });

  it('parseAttendees, with an empty last cell (a spreadsheet row without a state), reads the line without a state', () => {
    assert.deepEqual(parse('Ann Lee,Board member,\nBo Diaz,,').attendees, [{ name: 'Ann Lee', role: 'Board member' }, { name: 'Bo Diaz' }]);
  });

  it('parseAttendees, with an unknown state after a role, names the line (counting blank lines) and the word', () => {
    const { error } = parse('Bo Diaz, KY\n\nAnn, Board member, Atlantis');
    assert.equal(error, 'Line 3: “Atlantis” is not a state or jurisdiction');
  });

  it('parseAttendees, with a line that starts with a comma, asks for the name at that line', () => {
    assert.equal(parse('Ann Lee\n, Board member, OH').error, "Line 2: start with the attendee's name");
  });

  it('parseAttendees, with a name or a role over 120 characters, says which line and which part', () => {
    assert.equal(parse(`${'N'.repeat(121)}, OH`).error, 'Line 1: the name must be 120 characters or fewer');
    assert.equal(parse(`Ann\nBo, ${'R'.repeat(121)}, OH`).error, 'Line 2: the role must be 120 characters or fewer');
    assert.equal(parse(`${'N'.repeat(120)}, ${'R'.repeat(120)}, OH`).error, undefined);
  });

  it('formatAttendees, for attendees with and without role and state, writes one "name, role, state" line each', () => {
    const text = formatAttendees([
      { name: 'Ann Lee', role: 'Board member', jurisdiction: 'OH' },
      { name: 'Bo Diaz', jurisdiction: 'KY' },
      { name: 'Ida Cruz', role: 'Executive director' },
      { name: 'Hal Ito' },
    ]);
    assert.equal(text, 'Ann Lee, Board member, OH\nBo Diaz, KY\nIda Cruz, Executive director\nHal Ito');
  });

  it('formatAttendees then parseAttendees, for any attendees the form can store, gives the same attendees back', () => {
    const list: Attendee[] = [
      { name: 'Ann Lee', role: 'Board member', jurisdiction: 'OH' },
      { name: 'Bo Diaz', jurisdiction: 'KY' },
      { name: 'Cy Park', role: 'Chair, Board of Education', jurisdiction: 'IN' },
      { name: 'Ida Cruz', role: 'Executive director' },
      { name: 'Hal Ito' },
    ];
    assert.deepEqual(parse(formatAttendees(list)), { attendees: list });
    assert.equal(formatAttendees([]), '');
  });
});
