/** The fixed sets of values the product uses, with the words people see for each. */

export const TRACKS = { ta: 'Technical Assistance', network: 'State Policy Network', cohort: 'National Cohort' } as const;

export const FORMATS = {
  one_on_one: 'One-on-one discussion',
  small_group: 'Small-group facilitation',
  online_training: 'Customized online training',
} as const;

export const PREFERRED_FORMATS = { ...FORMATS, no_preference: 'No preference' } as const;

export const ORGANIZATION_TYPES = {
  state_board: 'State board of education',
  state_agency: 'State education agency',
  governor_legislature: "Governor's office or legislature",
  local_district: 'Local district',
  other: 'Other',
} as const;

export const STATUSES = {
  new: 'New',
  assigned: 'Assigned',
  in_progress: 'In progress',
  on_hold: 'On hold',
  completed: 'Completed',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
} as const;
export type CaseStatus = keyof typeof STATUSES;

/** A request still being worked on (or waiting to be): what lists, workloads and reports call open. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['new', 'assigned', 'in_progress', 'on_hold'];
/** Open and in someone's hands: what counts in a consultant's workload. */
export const WORKING_STATUSES: readonly CaseStatus[] = ['assigned', 'in_progress', 'on_hold'];
export const CLOSED_STATUSES: readonly CaseStatus[] = ['completed', 'declined', 'withdrawn'];

/** What each status means, in words for the requester on their status page. */
export const STATUS_FOR_REQUESTER: Record<CaseStatus, string> = {
  new: 'We have received your request. A member of the LEEP team will review it and assign a consultant, usually within five business days.',
  assigned: 'A consultant has been assigned to your request and will be in touch to plan the support.',
  in_progress: 'Your technical assistance is under way.',
  on_hold: 'Your request is on hold for now. Your consultant will let you know when work resumes.',
  completed: 'This request is complete. Thank you for working with LEEP.',
  declined:
    'The LEEP team is not able to take on this request. The reason is below. You can still write to the team, and you are welcome to send a new request.',
  withdrawn:
    'This request has been closed as withdrawn. The reason is below. You can still write to the team, and you are welcome to send a new request.',
};

export const PRIORITIES = { normal: 'Normal', high: 'High' } as const;

export const SOURCES = { web_form: 'Web form', staff: 'Staff', import: 'Import', api: 'API' } as const;
export type Source = keyof typeof SOURCES;

export const ROLES = { director: 'Director', consultant: 'Consultant' } as const;

/** Choices for a select or radio group, in display order. */
export function choices<T extends Record<string, string>>(set: T): { value: keyof T & string; label: string }[] {
  return Object.entries(set).map(([value, label]) => ({ value: value, label }));
}

// The National Cohort and the State Policy Network.

export const MEETING_MODES = { virtual: 'Virtual', in_person: 'In person' } as const;
export type MeetingMode = keyof typeof MEETING_MODES;

export const DECISIONS = { selected: 'Selected', waitlisted: 'Waitlisted', not_selected: 'Not selected' } as const;
type Decision = keyof typeof DECISIONS;

/** What each decision means, in words for the applicant on their status page. */
export const DECISION_FOR_APPLICANT: Record<Decision | 'pending', string> = {
  pending: 'We have received your application. Reviewers are reading it; you will see the decision here once the selection is made.',
  selected:
    'Congratulations: you have been selected for the cohort. The meetings are listed below; the LEEP team will be in touch about assignments.',
  waitlisted: 'You are on the waiting list. If a place opens in the cohort, the LEEP team will contact you.',
  not_selected: 'Thank you for applying. We are not able to offer you a place in this cohort; we hope you will apply again.',
};
export type Role = keyof typeof ROLES;

export const ATTENDANCE = { present: 'Present', excused: 'Excused', absent: 'Absent' } as const;

export const NETWORK_ORGANIZATIONS = {
  state_board: 'State board of education',
  state_agency: 'State education agency',
  other: 'Other',
} as const;
export type NetworkOrganization = keyof typeof NETWORK_ORGANIZATIONS;

export const NETWORK_EVENT_KINDS = { expert_talk: 'Expert talk', peer_discussion: 'Peer-to-peer discussion' } as const;
