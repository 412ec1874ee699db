// The rows of the import tests' mixed file: ten bad rows, each paired with its correction.

import { Row, caseOnly } from './importing-csv';

/** The mixed file's rows, bad and corrected; `lead` and `second` are consultants without an account, `existing` has one. */
export function mixedRows(tag: string, existing: string, lead: string, second: string): { bad: Row; good: Row }[] {
  const A = `${tag}-A`;
  const a = caseOnly(A, { lead_consultant_email: lead, topics: 'Applying an equity lens to policy; Board governance and leadership' });
  const eng = (
    date: string,
    start: string,
    minutes: string,
    format: string,
    status: string,
    participants: string,
    jurisdictions: string,
    consultants: string,
    topics: string,
    summary: string,
  ): Row => ({
    engagement_date: date,
    start_time: start,
    duration_minutes: minutes,
    format,
    engagement_status: status,
    participant_count: participants,
    participant_jurisdictions: jurisdictions,
    consultant_emails: consultants,
    engagement_topics: topics,
    summary,
  });
  const both = (row: Row) => ({ bad: row, good: row });
  return [
    both({
      ...a,
      ...eng(
        '2018-04-12',
        '10:00',
        '90',
        'small_group',
        'delivered',
        '9',
        'OH; KY',
        `${lead}; ${second}`,
        'Applying an equity lens to policy',
        'Framework drafted with the policy committee.',
      ),
    }),
    both({ ...a, ...eng('2018-05-20', '', '60', 'one_on_one', 'delivered', '1', '', '', '', '') }),
    {
      bad: {
        ...a,
        ...eng(
          '2018-06-01',
          '',
          '900',
          'online_training',
          'delivered',
          '12',
          'Kentucky',
          second,
          'Board governance and leadership',
          'Online module on board norms.',
        ),
      },
      good: {
        ...a,
        ...eng(
          '2018-06-01',
          '',
          '45',
          'online_training',
          'delivered',
          '12',
          'Kentucky',
          second,
          'Board governance and leadership',
          'Online module on board norms.',
        ),
      },
    },
    {
      bad: { ...a, ...eng('2018-07-01', '09:30', '60', 'small_group', 'cancelled', '0', 'Nevada', lead, '', 'Cancelled: snow day.') },
      good: { ...a, ...eng('2018-07-01', '09:30', '60', 'small_group', 'cancelled', '5', 'Nevada', lead, '', 'Cancelled: snow day.') },
    },
    {
      bad: { ...a, ...eng('2099-03-01', '13:00', '120', 'small_group', 'delivered', '20', 'MT', lead, '', 'Planned retreat.') },
      good: { ...a, ...eng('2099-03-01', '13:00', '120', 'small_group', 'scheduled', '20', 'MT', lead, '', 'Planned retreat.') },
    },
    {
      bad: {
        ...a,
        title: 'Equity lens for the strategic plan (revised)',
        ...eng('2018-09-10', '', '60', 'one_on_one', 'delivered', '2', 'OH', lead, '', 'Check-in with the chair.'),
      },
      good: { ...a, ...eng('2018-09-10', '', '60', 'one_on_one', 'delivered', '2', 'OH', lead, '', 'Check-in with the chair.') },
    },
    {
      bad: {
        ...a,
        ...eng(
          '',
          '',
          '120',
          'small_group',
          'delivered',
          '15',
          'OH; MI',
          `${lead}; ${existing}`,
          'Community engagement',
          'Listening session.',
        ),
      },
      good: {
        ...a,
        ...eng(
          '2018-10-01',
          '',
          '120',
          'small_group',
          'delivered',
          '15',
          'OH; MI',
          `${lead}; ${existing}`,
          'Community engagement',
          'Listening session.',
        ),
      },
    },
    {
      bad: { ...a, ...eng('2018-02-30', '', '30', 'one_on_one', 'delivered', '2', '', '', '', '') },
      good: { ...a, ...eng('2018-11-05', '', '30', 'one_on_one', 'delivered', '2', '', '', '', '') },
    },
    {
      bad: caseOnly(`${tag}-B`, {
        track: 'network',
        jurisdiction: 'Atlantis',
        title: 'Spring convening',
        submitted_date: '2019-02-01',
        organization_name: 'State Policy Network',
      }),
      good: caseOnly(`${tag}-B`, {
        track: 'network',
        jurisdiction: 'District of Columbia',
        title: 'Spring convening',
        submitted_date: '2019-02-01',
        organization_name: 'State Policy Network',
      }),
    },
    {
      bad: caseOnly(`${tag}-C`, {
        track: 'cohort',
        jurisdiction: 'VA',
        title: 'Cohort application',
        topics: 'Underwater basket weaving',
        submitted_date: '2020-05-05',
        case_status: 'declined',
      }),
      good: caseOnly(`${tag}-C`, {
        track: 'cohort',
        jurisdiction: 'VA',
        title: 'Cohort application',
        topics: 'Educator diversity',
        submitted_date: '2020-05-05',
        case_status: 'declined',
      }),
    },
    {
      bad: {
        ...caseOnly(`${tag}-D`, {
          jurisdiction: 'KY',
          title: 'ESSA accountability review',
          requester_email: 'grace at example.org',
          topics: 'ESSA plans and accountability',
          submitted_date: '2019-06-01',
          lead_consultant_email: existing,
        }),
        ...eng('2099-05-01', '', '60', 'online_training', 'scheduled', '20', 'KY; TN', '', '', ''),
      },
      good: {
        ...caseOnly(`${tag}-D`, {
          jurisdiction: 'KY',
          title: 'ESSA accountability review',
          requester_email: 'grace@example.org',
          topics: 'ESSA plans and accountability',
          submitted_date: '2019-06-01',
          lead_consultant_email: existing,
        }),
        ...eng('2099-05-01', '', '60', 'online_training', 'scheduled', '20', 'KY; TN', '', '', ''),
      },
    },
    {
      bad: caseOnly(`${tag}-E`, { jurisdiction: 'WI', title: 'Withdrawn request', submitted_date: '03/15/2019', case_status: 'withdrawn' }),
      good: caseOnly(`${tag}-E`, {
        jurisdiction: 'WI',
        title: 'Withdrawn request',
        submitted_date: '2019-03-15',
        case_status: 'withdrawn',
      }),
    },
    both({
      ...caseOnly(`${tag}-F`, {
        jurisdiction: 'Michigan',
        title: 'Data review',
        topics: 'Data use and equity audits',
        submitted_date: '2020-01-10',
        lead_consultant_email: existing,
      }),
      ...eng(
        '2020-02-01',
        '11:00',
        '75',
        'small_group',
        'delivered',
        '6',
        '',
        '',
        'Data use and equity audits',
        'Reviewed the data dashboard.',
      ),
    }),
  ];
}
