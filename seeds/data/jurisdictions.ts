/**
 * The 56 jurisdictions LEEP works with: 50 states, the District of Columbia and five territories.
 * `row`/`col` place each one on the tile-grid map (territories on the bottom row).
 */
type JurisdictionKind = 'state' | 'district' | 'territory';

interface JurisdictionRecord {
  code: string;
  name: string;
  fips: string;
  kind: JurisdictionKind;
  row: number;
  col: number;
}

const S = 'state' as const;

export const JURISDICTIONS: readonly JurisdictionRecord[] = [
  { code: 'AK', name: 'Alaska', fips: '02', kind: S, row: 0, col: 0 },
  { code: 'ME', name: 'Maine', fips: '23', kind: S, row: 0, col: 11 },
  { code: 'VT', name: 'Vermont', fips: '50', kind: S, row: 1, col: 10 },
  { code: 'NH', name: 'New Hampshire', fips: '33', kind: S, row: 1, col: 11 },
  { code: 'WA', name: 'Washington', fips: '53', kind: S, row: 2, col: 1 },
  { code: 'ID', name: 'Idaho', fips: '16', kind: S, row: 2, col: 2 },
  { code: 'MT', name: 'Montana', fips: '30', kind: S, row: 2, col: 3 },
  { code: 'ND', name: 'North Dakota', fips: '38', kind: S, row: 2, col: 4 },
  { code: 'MN', name: 'Minnesota', fips: '27', kind: S, row: 2, col: 5 },
  { code: 'IL', name: 'Illinois', fips: '17', kind: S, row: 2, col: 6 },
  { code: 'WI', name: 'Wisconsin', fips: '55', kind: S, row: 2, col: 7 },
  { code: 'MI', name: 'Michigan', fips: '26', kind: S, row: 2, col: 8 },
  { code: 'NY', name: 'New York', fips: '36', kind: S, row: 2, col: 9 },
  { code: 'RI', name: 'Rhode Island', fips: '44', kind: S, row: 2, col: 10 },
  { code: 'MA', name: 'Massachusetts', fips: '25', kind: S, row: 2, col: 11 },
  { code: 'OR', name: 'Oregon', fips: '41', kind: S, row: 3, col: 1 },
  { code: 'NV', name: 'Nevada', fips: '32', kind: S, row: 3, col: 2 },
  { code: 'WY', name: 'Wyoming', fips: '56', kind: S, row: 3, col: 3 },
  { code: 'SD', name: 'South Dakota', fips: '46', kind: S, row: 3, col: 4 },
  { code: 'IA', name: 'Iowa', fips: '19', kind: S, row: 3, col: 5 },
  { code: 'IN', name: 'Indiana', fips: '18', kind: S, row: 3, col: 6 },
  { code: 'OH', name: 'Ohio', fips: '39', kind: S, row: 3, col: 7 },
  { code: 'PA', name: 'Pennsylvania', fips: '42', kind: S, row: 3, col: 8 },
  { code: 'NJ', name: 'New Jersey', fips: '34', kind: S, row: 3, col: 9 },
  { code: 'CT', name: 'Connecticut', fips: '09', kind: S, row: 3, col: 10 },
  { code: 'CA', name: 'California', fips: '06', kind: S, row: 4, col: 1 },
  { code: 'UT', name: 'Utah', fips: '49', kind: S, row: 4, col: 2 },
  { code: 'CO', name: 'Colorado', fips: '08', kind: S, row: 4, col: 3 },
  { code: 'NE', name: 'Nebraska', fips: '31', kind: S, row: 4, col: 4 },
  { code: 'MO', name: 'Missouri', fips: '29', kind: S, row: 4, col: 5 },
  { code: 'KY', name: 'Kentucky', fips: '21', kind: S, row: 4, col: 6 },
  { code: 'WV', name: 'West Virginia', fips: '54', kind: S, row: 4, col: 7 },
  { code: 'VA', name: 'Virginia', fips: '51', kind: S, row: 4, col: 8 },
  { code: 'MD', name: 'Maryland', fips: '24', kind: S, row: 4, col: 9 },
  { code: 'DE', name: 'Delaware', fips: '10', kind: S, row: 4, col: 10 },
  { code: 'AZ', name: 'Arizona', fips: '04', kind: S, row: 5, col: 2 },
  { code: 'NM', name: 'New Mexico', fips: '35', kind: S, row: 5, col: 3 },
  { code: 'KS', name: 'Kansas', fips: '20', kind: S, row: 5, col: 4 },
  { code: 'AR', name: 'Arkansas', fips: '05', kind: S, row: 5, col: 5 },
  { code: 'TN', name: 'Tennessee', fips: '47', kind: S, row: 5, col: 6 },
  { code: 'NC', name: 'North Carolina', fips: '37', kind: S, row: 5, col: 7 },
  { code: 'SC', name: 'South Carolina', fips: '45', kind: S, row: 5, col: 8 },
  { code: 'DC', name: 'District of Columbia', fips: '11', kind: 'district', row: 5, col: 9 },
  { code: 'OK', name: 'Oklahoma', fips: '40', kind: S, row: 6, col: 4 },
  { code: 'LA', name: 'Louisiana', fips: '22', kind: S, row: 6, col: 5 },
  { code: 'MS', name: 'Mississippi', fips: '28', kind: S, row: 6, col: 6 },
  { code: 'AL', name: 'Alabama', fips: '01', kind: S, row: 6, col: 7 },
  { code: 'GA', name: 'Georgia', fips: '13', kind: S, row: 6, col: 8 },
  { code: 'HI', name: 'Hawaii', fips: '15', kind: S, row: 7, col: 0 },
  { code: 'TX', name: 'Texas', fips: '48', kind: S, row: 7, col: 4 },
  { code: 'FL', name: 'Florida', fips: '12', kind: S, row: 7, col: 9 },
  { code: 'GU', name: 'Guam', fips: '66', kind: 'territory', row: 8, col: 0 },
  { code: 'MP', name: 'Northern Mariana Islands', fips: '69', kind: 'territory', row: 8, col: 1 },
  { code: 'AS', name: 'American Samoa', fips: '60', kind: 'territory', row: 8, col: 2 },
  { code: 'PR', name: 'Puerto Rico', fips: '72', kind: 'territory', row: 8, col: 10 },
  { code: 'VI', name: 'U.S. Virgin Islands', fips: '78', kind: 'territory', row: 8, col: 11 },
];

export const JURISDICTION_CODES: readonly string[] = JURISDICTIONS.map((j) => j.code);
