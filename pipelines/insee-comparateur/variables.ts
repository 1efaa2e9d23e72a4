/**
 * Which column of the comparateur holds which indicator. INSEE renames the
 * columns with each edition (`P18_POP` → `P22_POP`, `MED19` → `MED21` →
 * `MED_SL23`), so columns are matched by name pattern and the millésime is
 * read from the suffix, never from the position.
 */

export type Theme = 'population' | 'naissances-deces' | 'logement' | 'revenus' | 'emploi' | 'etablissements' | 'autre';

export interface IndicatorSpec {
  id: string;
  pattern: RegExp;
  /** Millésime from the match: a year, a period "2013-2018", or null (area). */
  millesime: (m: RegExpMatchArray) => string | null;
  unite: string;
  theme: Theme;
  /** Whether the values of two merged communes can be added (counts yes, medians and rates no). */
  additif: boolean;
  /** When the pattern matches several columns (P18_POP and P13_POP): the most recent or the oldest. */
  pick: 'latest' | 'earliest';
}

const year = (yy: string): string => String(2000 + Number(yy));
const single = (m: RegExpMatchArray): string => year(m[1]);
const period = (m: RegExpMatchArray): string => `${year(m[1])}-${year(m[2])}`;

function spec(
  id: string, pattern: RegExp, unite: string, theme: Theme,
  options: { additif?: boolean; pick?: 'latest' | 'earliest'; millesime?: (m: RegExpMatchArray) => string | null } = {},
): IndicatorSpec {
  return { id, pattern, unite, theme, additif: options.additif ?? true, pick: options.pick ?? 'latest', millesime: options.millesime ?? single };
}

/** Indicators of the "Base du comparateur de territoires", in the order they are published. */
export const INDICATORS: IndicatorSpec[] = [
  spec('population', /^P(\d{2})_POP$/, 'habitants', 'population'),
  spec('populationAnterieure', /^P(\d{2})_POP$/, 'habitants', 'population', { pick: 'earliest' }),
  spec('superficie', /^SUPERF$/, 'km²', 'population', { millesime: () => null }),
  spec('naissancesPeriode', /^NAIS(\d{2})(\d{2})$/, 'naissances', 'naissances-deces', { millesime: period }),
  spec('decesPeriode', /^DECE(\d{2})(\d{2})$/, 'décès', 'naissances-deces', { millesime: period }),
  spec('naissances', /^NAISD(\d{2})$/, 'naissances', 'naissances-deces'),
  spec('deces', /^DECESD(\d{2})$/, 'décès', 'naissances-deces'),
  spec('menages', /^P(\d{2})_MEN$/, 'ménages', 'logement'),
  spec('logements', /^P(\d{2})_LOG$/, 'logements', 'logement'),
  spec('residencesPrincipales', /^P(\d{2})_RP$/, 'logements', 'logement'),
  spec('residencesSecondaires', /^P(\d{2})_RSECOCC$/, 'logements', 'logement'),
  spec('logementsVacants', /^P(\d{2})_LOGVAC$/, 'logements', 'logement'),
  spec('residencesPrincipalesProprietaires', /^P(\d{2})_RP_PROP$/, 'logements', 'logement'),
  spec('menagesFiscaux', /^NBMENFISC(\d{2})$/, 'ménages', 'revenus'),
  spec('partMenagesImposes', /^PIMP(\d{2})$/, '%', 'revenus', { additif: false }),
  spec('medianeNiveauVie', /^MED(?:_SL)?(\d{2})$/, '€', 'revenus', { additif: false }),
  spec('tauxPauvrete', /^TP60(\d{2})$/, '%', 'revenus', { additif: false }),
  spec('emplois', /^P(\d{2})_EMPLT$/, 'emplois', 'emploi'),
  spec('emploisAnterieurs', /^P(\d{2})_EMPLT$/, 'emplois', 'emploi', { pick: 'earliest' }),
  spec('emploisSalaries', /^P(\d{2})_EMPLT_SAL$/, 'emplois', 'emploi'),
  spec('population1564', /^P(\d{2})_POP1564$/, 'personnes', 'emploi'),
  spec('actifs1564', /^P(\d{2})_ACT1564$/, 'personnes', 'emploi'),
  spec('chomeurs1564', /^P(\d{2})_CHOM1564$/, 'personnes', 'emploi'),
  spec('etablissements', /^ETTOT(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissementsAgriculture', /^ETAZ(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissementsIndustrie', /^ETBE(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissementsConstruction', /^ETFZ(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissementsCommerceServices', /^ETGU(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissementsCommerceReparationAuto', /^ETGZ(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissementsAdministration', /^ETOQ(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissements1a9Salaries', /^ETTEF1(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissements10SalariesOuPlus', /^ETTEFP10(\d{2})$/, 'établissements', 'etablissements'),
];

/** One column of the file bound to an indicator. */
export interface BoundIndicator {
  id: string;
  variable: string;
  /** Index of the column in the header. */
  column: number;
  millesime: string | null;
  unite: string;
  theme: Theme;
  additif: boolean;
}

export interface HeaderBinding {
  codeColumn: number;
  indicators: BoundIndicator[];
  /** Columns no catalogue entry claims: published under their INSEE code, not summed on mergers. */
  uncatalogued: BoundIndicator[];
  /** Catalogue entries with no column in this edition. */
  missing: string[];
  /** Census millésime of the edition, from the population column (`P22_POP` → "2022"). */
  millesimeRP: string;
}

/** Sort key of a millésime ("2013-2018" sorts on its end year). */
function sortKey(m: string | null): number {
  if (!m) return 0;
  return Number(m.slice(-4));
}

/**
 * Binds the header of a comparateur CSV to the catalogue. Throws (with the
 * problem in French, for SourceError) when the key or the population is missing.
 */
export function bindHeader(header: string[]): HeaderBinding {
  const names = header.map((h) => h.trim());
  const codeColumn = names.indexOf('CODGEO');
  if (codeColumn < 0) throw new HeaderProblem('colonne CODGEO absente de l’en-tête', 'CODGEO');
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new HeaderProblem(`colonne « ${n} » en double dans l’en-tête`, n);
    seen.add(n);
  }
  const claimed = new Set<number>([codeColumn]);
  const indicators: BoundIndicator[] = [];
  const missing: string[] = [];
  for (const s of INDICATORS) {
    const matches: { column: number; m: RegExpMatchArray; millesime: string | null }[] = [];
    names.forEach((n, column) => {
      const m = n.match(s.pattern);
      if (m) matches.push({ column, m, millesime: s.millesime(m) });
    });
    if (matches.length === 0) { missing.push(s.id); continue; }
    matches.sort((a, b) => sortKey(a.millesime) - sortKey(b.millesime));
    // "earliest" only makes sense when the edition carries a comparison column.
    if (s.pick === 'earliest' && matches.length < 2) { missing.push(s.id); continue; }
    const chosen = s.pick === 'latest' ? matches[matches.length - 1] : matches[0];
    claimed.add(chosen.column);
    indicators.push({
      id: s.id, variable: names[chosen.column], column: chosen.column, millesime: chosen.millesime,
      unite: s.unite, theme: s.theme, additif: s.additif,
    });
  }
  const population = indicators.find((i) => i.id === 'population');
  if (!population?.millesime) throw new HeaderProblem('aucune colonne de population (P<aa>_POP) dans l’en-tête', 'P??_POP');
  const uncatalogued: BoundIndicator[] = [];
  names.forEach((n, column) => {
    if (claimed.has(column) || n === '') return;
    // Columns we do not know are kept (nothing dropped silently) under their INSEE code.
    // Census variables carry the year as a prefix (P22_POP0014, C22_…), others as a suffix (ETTOT24).
    const yy = n.match(/^[PC](\d{2})_/)?.[1] ?? n.match(/(\d{2})$/)?.[1];
    uncatalogued.push({
      id: n, variable: n, column, millesime: yy ? year(yy) : null, unite: '', theme: 'autre', additif: false,
    });
  });
  return { codeColumn, indicators, uncatalogued, missing, millesimeRP: population.millesime };
}

export class HeaderProblem extends Error {
  constructor(message: string, readonly column: string) {
    super(message);
  }
}
