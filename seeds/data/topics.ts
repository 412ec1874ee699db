/** The areas of expertise LEEP starts with; directors add and retire topics in the app. */
export const TOPICS: readonly { slug: string; name: string }[] = [
  { slug: 'equity-lens', name: 'Applying an equity lens to policy' },
  { slug: 'courageous-conversations', name: 'Courageous conversations about race and equity' },
  { slug: 'opportunity-gaps', name: 'Achievement and opportunity gaps' },
  { slug: 'essa-accountability', name: 'ESSA plans and accountability' },
  { slug: 'school-climate', name: 'School climate and discipline' },
  { slug: 'educator-diversity', name: 'Educator diversity' },
  { slug: 'early-learning', name: 'Early learning' },
  { slug: 'data-equity-audits', name: 'Data use and equity audits' },
  { slug: 'community-engagement', name: 'Community engagement' },
  { slug: 'board-governance', name: 'Board governance and leadership' },
];
