import assert from 'node:assert/strict';
import { ValidationError } from '../../server/errors';
import { meetingsOf, validateCohort } from '../../server/schemas/cohort.schemas';

const base = { year: 2027, name: 'Spring', opens_on: '2027-01-01', closes_on: '2027-02-01' };

describe('meetingsOf', () => {
  it('meetingsOf, with two dated slots, gives those two meetings with their numbers, times, lengths, formats and places', () => {
    const input = validateCohort({
      ...base,
      meeting_1_date: '2027-03-01',
      meeting_1_start_time: '09:30',
      meeting_1_duration_minutes: 120,
      meeting_1_mode: 'virtual',
      meeting_3_date: '2027-04-01',
      meeting_3_duration_minutes: 300,
      meeting_3_mode: 'in_person',
      meeting_3_place: ' Denver ',
    });
    assert.deepEqual(meetingsOf(input), {
      meetings: [
        { number: 1, date: '2027-03-01', start_time: '09:30', duration_minutes: 120, mode: 'virtual', place: null },
        { number: 3, date: '2027-04-01', start_time: null, duration_minutes: 300, mode: 'in_person', place: 'Denver' },
      ],
      errors: [],
    });
  });

  it('meetingsOf, with a slot holding only its default length, leaves it out without an error', () => {
    assert.deepEqual(meetingsOf(validateCohort({ ...base, meeting_2_duration_minutes: 90 })), { meetings: [], errors: [] });
  });

  it('meetingsOf, with a dated slot missing its length and format, names both fields', () => {
    const { errors } = meetingsOf(validateCohort({ ...base, meeting_4_date: '2027-05-01' }));
    assert.deepEqual(
      errors.map((e) => e.field),
      ['meeting_4_duration_minutes', 'meeting_4_mode'],
    );
  });

  it('meetingsOf, with an in-person meeting without a place, names the place', () => {
    const { errors } = meetingsOf(
      validateCohort({ ...base, meeting_1_date: '2027-05-01', meeting_1_duration_minutes: 60, meeting_1_mode: 'in_person' }),
    );
    assert.deepEqual(errors, [{ field: 'meeting_1_place', message: "Enter meeting 1's place: an in-person meeting needs one" }]);
  });

  it('validateCohort, with a field the form does not have, throws naming it', () => {
    assert.throws(
      () => validateCohort({ ...base, meeting_5_date: '2027-05-01' }),
      (err: unknown) => err instanceof ValidationError && err.errors.some((e) => e.field === 'meeting_5_date'),
    );
  });
});
