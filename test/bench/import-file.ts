/** A large import file for the benchmark: `rows` rows, five engagements to a case, in the layout of README.md. */
export function importFile(rows: number, tag = 'bench'): string {
  const header =
    'case_key,track,jurisdiction,title,requester_name,requester_email,organization_type,organization_name,topics,submitted_date,case_status,lead_consultant_email,engagement_date,start_time,duration_minutes,format,engagement_status,participant_count,participant_jurisdictions,consultant_emails,engagement_topics,summary';
  const tracks = ['ta', 'network', 'cohort'];
  const states = ['OH', 'KY', 'MI', 'WI', 'TN', 'VA', 'NC', 'GA', 'PR'];
  const formats = ['one_on_one', 'small_group', 'online_training'];
  const lines = [header];
  for (let i = 0; i < rows; i += 1) {
    const c = Math.floor(i / 5);
    const year = 2017 + (c % 8);
    const month = String(1 + (c % 9)).padStart(2, '0');
    const day = String(1 + (i % 5) * 5).padStart(2, '0');
    const lead = `import.lead${c % 40}@leep.example`;
    lines.push(
      [
        `${tag}-${c}`,
        tracks[c % 3],
        states[c % states.length],
        `Imported case ${c}`,
        'Dana Whitfield',
        'dana.whitfield@example.org',
        'state_board',
        'State Board of Education',
        'Applying an equity lens to policy',
        `${year}-${month}-01`,
        'completed',
        lead,
        `${year}-${String(Number(month) + 1).padStart(2, '0')}-${day}`,
        '',
        String(30 + (i % 4) * 15),
        formats[i % 3],
        'delivered',
        String(1 + (i % 20)),
        `${states[c % states.length]}; ${states[(c + 1) % states.length]}`,
        lead,
        'Applying an equity lens to policy',
        'Imported record.',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
