/**
 * Where each figure sits in a Ministry of the Interior results file, found
 * from the header names (never from fixed positions).
 *
 * Two families:
 * - `subcom` (présidentielle 2022 `.txt`): French names with "du/de la", and a
 *   header that names only the FIRST candidate block — data rows carry one
 *   7-column block per candidate, so the number of blocks comes from the
 *   field count of the data rows;
 * - `wide` (européennes and législatives 2024 `.csv`): every block named,
 *   suffixed with its number (`Voix 1` … `Voix 38`).
 */

export type BlockField =
  | 'panneau' | 'sexe' | 'nom' | 'prenom' | 'nuance' | 'liste' | 'listeAbregee' | 'voix' | 'pctInscrits' | 'pctExprimes' | 'elu' | 'sieges';

export type FixedField =
  | 'dep' | 'depLabel' | 'commune' | 'communeLabel' | 'etat' | 'bureau' | 'circo' | 'circoLabel'
  | 'inscrits' | 'abstentions' | 'votants' | 'blancs' | 'nuls' | 'exprimes';

export const COUNT_FIELDS = ['inscrits', 'abstentions', 'votants', 'blancs', 'nuls', 'exprimes'] as const;
export type CountField = (typeof COUNT_FIELDS)[number];

/** Fixed columns of the présidentielle 2022 "subcom" file (and its bureau / circonscription siblings). */
const SUBCOM_FIXED: Record<string, FixedField | 'percent'> = {
  'Code du département': 'dep',
  'Libellé du département': 'depLabel',
  'Code de la circonscription': 'circo',
  'Libellé de la circonscription': 'circoLabel',
  'Code de la commune': 'commune',
  'Libellé de la commune': 'communeLabel',
  'Code du b.vote': 'bureau',
  'Etat saisie': 'etat',
  Inscrits: 'inscrits',
  Abstentions: 'abstentions',
  '% Abs/Ins': 'percent',
  Votants: 'votants',
  '% Vot/Ins': 'percent',
  Blancs: 'blancs',
  '% Blancs/Ins': 'percent',
  '% Blancs/Vot': 'percent',
  Nuls: 'nuls',
  '% Nuls/Ins': 'percent',
  '% Nuls/Vot': 'percent',
  Exprimés: 'exprimes',
  '% Exp/Ins': 'percent',
  '% Exp/Vot': 'percent',
};

/** The one candidate block the subcom header names, in order. */
const SUBCOM_BLOCK: [string, BlockField][] = [
  ['N°Panneau', 'panneau'], ['Sexe', 'sexe'], ['Nom', 'nom'], ['Prénom', 'prenom'],
  ['Voix', 'voix'], ['% Voix/Ins', 'pctInscrits'], ['% Voix/Exp', 'pctExprimes'],
];

const WIDE_FIXED: Record<string, FixedField | 'percent'> = {
  'Code département': 'dep',
  'Libellé département': 'depLabel',
  'Code commune': 'commune',
  'Libellé commune': 'communeLabel',
  'Code BV': 'bureau',
  'Code circonscription législative': 'circo',
  'Libellé circonscription législative': 'circoLabel',
  Inscrits: 'inscrits',
  Votants: 'votants',
  '% Votants': 'percent',
  Abstentions: 'abstentions',
  '% Abstentions': 'percent',
  Exprimés: 'exprimes',
  '% Exprimés/inscrits': 'percent',
  '% Exprimés/votants': 'percent',
  Blancs: 'blancs',
  '% Blancs/inscrits': 'percent',
  '% Blancs/votants': 'percent',
  Nuls: 'nuls',
  '% Nuls/inscrits': 'percent',
  '% Nuls/votants': 'percent',
};

const WIDE_BLOCK: Record<string, BlockField> = {
  'Numéro de panneau': 'panneau',
  'Nuance liste': 'nuance',
  'Libellé abrégé de liste': 'listeAbregee',
  'Libellé de liste': 'liste',
  'Nuance candidat': 'nuance',
  'Nom candidat': 'nom',
  'Prénom candidat': 'prenom',
  'Sexe candidat': 'sexe',
  Voix: 'voix',
  '% Voix/inscrits': 'pctInscrits',
  '% Voix/exprimés': 'pctExprimes',
  Sièges: 'sieges',
  Elu: 'elu',
};

export interface Block { number: number; columns: Partial<Record<BlockField, number>> }

export interface Layout {
  family: 'subcom' | 'wide';
  /** A per-circonscription file (no commune column): used to name the circonscription of législatives candidates. */
  kind: 'communes' | 'circonscriptions';
  fixed: Partial<Record<FixedField, number>>;
  percentColumns: number[];
  blocks: Block[];
  /** Fields per data row (longer than the header for subcom). */
  columnCount: number;
  /** Name of every column, for error messages (subcom blocks beyond the first get "Voix (bloc 3)"). */
  columnNames: string[];
}

export class LayoutProblem extends Error {
  constructor(message: string, readonly line: number, readonly column?: string | number) {
    super(message);
  }
}

const REQUIRED_COUNTS: FixedField[] = ['dep', 'inscrits', 'abstentions', 'votants', 'blancs', 'nuls', 'exprimes'];

function requireFixed(fixed: Partial<Record<FixedField, number>>, names: Record<string, FixedField | 'percent'>): void {
  for (const f of REQUIRED_COUNTS) {
    if (fixed[f] === undefined) {
      const name = Object.entries(names).find(([, v]) => v === f)?.[0] ?? f;
      throw new LayoutProblem(`colonne « ${name} » absente de l’en-tête`, 1, name);
    }
  }
}

/**
 * Reads the layout from the header names and, for subcom files, the field
 * count of the first data row.
 */
export function readLayout(header: string[], firstRow: string[] | undefined): Layout {
  const names = header.map((h) => h.trim());
  if (names.includes('Code du département')) return subcomLayout(names, firstRow);
  if (names.includes('Code département')) return wideLayout(names, firstRow);
  throw new LayoutProblem('en-tête non reconnu : ni « Code du département » (présidentielle 2022) ni « Code département » (2024)', 1, names[0]);
}

/** Some exports end every row with a `;`: one empty trailing field that belongs to no column. */
function trailingEmpty(row: string[] | undefined, expectedMultiple: (n: number) => boolean): boolean {
  return !!row && row.length > 0 && row[row.length - 1].trim() === '' && !expectedMultiple(row.length) && expectedMultiple(row.length - 1);
}

function subcomLayout(names: string[], firstRow: string[] | undefined): Layout {
  const blockStart = names.indexOf('N°Panneau');
  if (blockStart < 0) throw new LayoutProblem('colonne « N°Panneau » absente : pas de bloc de candidat', 1, 'N°Panneau');
  const fixed: Partial<Record<FixedField, number>> = {};
  const percentColumns: number[] = [];
  names.slice(0, blockStart).forEach((n, i) => {
    const role = SUBCOM_FIXED[n];
    if (!role) throw new LayoutProblem(`colonne inattendue « ${n} »`, 1, n);
    if (role === 'percent') percentColumns.push(i);
    else fixed[role] = i;
  });
  requireFixed(fixed, SUBCOM_FIXED);
  if (fixed.commune === undefined && fixed.circo === undefined) {
    throw new LayoutProblem('colonne « Code de la commune » absente de l’en-tête', 1, 'Code de la commune');
  }
  const blockNames = names.slice(blockStart);
  const expected = SUBCOM_BLOCK.map(([n]) => n);
  if (blockNames.length !== expected.length || blockNames.some((n, i) => n !== expected[i])) {
    const at = blockNames.findIndex((n, i) => n !== expected[i]);
    throw new LayoutProblem(
      `bloc de candidat inattendu : « ${blockNames.join(';')} » au lieu de « ${expected.join(';')} »`, 1, names[blockStart + Math.max(at, 0)] ?? blockStart + 1,
    );
  }
  const size = expected.length;
  const whole = (n: number) => n >= names.length && (n - blockStart) % size === 0;
  const fields = firstRow?.length ?? names.length;
  const trailing = trailingEmpty(firstRow, whole);
  const count = trailing ? fields - 1 : fields;
  if (!whole(count)) {
    throw new LayoutProblem(
      `les lignes ont ${count} champs : pas un nombre entier de blocs de ${size} colonnes après les ${blockStart} colonnes fixes`, 2,
    );
  }
  const blocks: Block[] = [];
  const columnNames = [...names];
  for (let b = 0; b < (count - blockStart) / size; b++) {
    const columns: Partial<Record<BlockField, number>> = {};
    SUBCOM_BLOCK.forEach(([name, field], k) => {
      const col = blockStart + b * size + k;
      columns[field] = col;
      if (col >= names.length) columnNames[col] = `${name} (bloc ${b + 1})`;
    });
    blocks.push({ number: b + 1, columns });
  }
  for (const b of blocks) percentColumns.push(b.columns.pctInscrits!, b.columns.pctExprimes!);
  if (trailing) columnNames.push('(fin de ligne)');
  return {
    family: 'subcom', kind: fixed.commune !== undefined ? 'communes' : 'circonscriptions', fixed, percentColumns, blocks,
    columnCount: fields, columnNames,
  };
}

function wideLayout(names: string[], firstRow: string[] | undefined): Layout {
  const fixed: Partial<Record<FixedField, number>> = {};
  const percentColumns: number[] = [];
  const blocks = new Map<number, Block>();
  names.forEach((n, i) => {
    const role = WIDE_FIXED[n];
    if (role) {
      if (role === 'percent') percentColumns.push(i);
      else fixed[role] = i;
      return;
    }
    const m = n.match(/^(.+) (\d+)$/);
    const field = m ? WIDE_BLOCK[m[1]] : undefined;
    if (!m || !field) throw new LayoutProblem(`colonne inattendue « ${n} »`, 1, n);
    const number = Number(m[2]);
    const block = blocks.get(number) ?? { number, columns: {} };
    if (block.columns[field] !== undefined) throw new LayoutProblem(`colonne « ${n} » en double`, 1, n);
    block.columns[field] = i;
    blocks.set(number, block);
  });
  requireFixed(fixed, WIDE_FIXED);
  const kind = fixed.commune !== undefined ? 'communes' : fixed.circo !== undefined ? 'circonscriptions' : undefined;
  if (!kind) throw new LayoutProblem('colonne « Code commune » absente de l’en-tête', 1, 'Code commune');
  const ordered = [...blocks.values()].sort((a, b) => a.number - b.number);
  if (ordered.length === 0) throw new LayoutProblem('aucun bloc de candidat ou de liste (« Voix 1 »…) dans l’en-tête', 1);
  const shape = Object.keys(ordered[0].columns).sort().join(',');
  ordered.forEach((b, i) => {
    if (b.number !== i + 1) throw new LayoutProblem(`bloc ${i + 1} absent de l’en-tête (blocs numérotés de 1 à ${ordered.length} attendus)`, 1, `Voix ${i + 1}`);
    if (Object.keys(b.columns).sort().join(',') !== shape) {
      throw new LayoutProblem(`le bloc ${b.number} n’a pas les mêmes colonnes que le bloc 1`, 1, `Voix ${b.number}`);
    }
    if (b.columns.voix === undefined || b.columns.panneau === undefined) {
      throw new LayoutProblem(`le bloc ${b.number} n’a pas de colonne « Voix » ou « Numéro de panneau »`, 1, `Voix ${b.number}`);
    }
    if (b.columns.pctInscrits !== undefined) percentColumns.push(b.columns.pctInscrits);
    if (b.columns.pctExprimes !== undefined) percentColumns.push(b.columns.pctExprimes);
  });
  const fields = firstRow?.length ?? names.length;
  const trailing = trailingEmpty(firstRow, (n) => n <= names.length);
  if (fields > names.length && !trailing) {
    throw new LayoutProblem(`les lignes ont ${fields} champs pour ${names.length} colonnes nommées dans l’en-tête`, 2);
  }
  const columnCount = Math.max(fields, names.length);
  return {
    family: 'wide', kind, fixed, percentColumns, blocks: ordered, columnCount,
    columnNames: columnCount > names.length ? [...names, '(fin de ligne)'] : names,
  };
}
