/**
 * Header binding by name for wide result tables: fixed columns, then one
 * block of columns repeated per candidate, list or item (never fixed
 * positions). A source declares the names and their roles; drift (a renamed,
 * missing, duplicated or unexpected column, blocks that do not line up) stops
 * the run with a `HeaderDrift` naming the line and column. Two ways producers
 * lay blocks out:
 * - `repeated`: the header names only the FIRST block; data rows carry as many
 *   blocks as they have, so their number comes from the field count of the
 *   first data row (présidentielle 2022 "subcom" files);
 * - `numbered`: every block named, suffixed with its number (`Voix 1` … `Voix 38`).
 * A row ending with the delimiter (one empty trailing field) is tolerated.
 */

export interface BlockLayoutSpec<F extends string, B extends string> {
  /** A column whose presence says the header is of this layout, and how to name the layout in errors. */
  marker: string;
  label: string;
  /** Header name → role of a column outside the blocks; roles listed in `lists` may occur several times. */
  fixed: Record<string, F>;
  lists?: F[];
  /** Roles that must be present, and roles of which at least one must be. */
  required: F[];
  oneOf?: F[];
  numbering: 'repeated' | 'numbered';
  /** Block names (for `repeated`: exactly these, in this order); the first `blockRequired` role keys error messages. */
  block: [string, B][];
  blockRequired?: B[];
  /** What a block is, in messages: « pas de bloc de candidat ». */
  noun: string;
}

export interface ColumnBlock<B extends string> { number: number; columns: Partial<Record<B, number>> }

export interface BoundBlocks<F extends string, B extends string> {
  spec: BlockLayoutSpec<F, B>;
  fixed: Partial<Record<F, number>>;
  /** Columns of the `lists` roles, in header order. */
  lists: Partial<Record<F, number[]>>;
  blocks: ColumnBlock<B>[];
  /** Fields per data row (longer than the header for `repeated`). */
  columnCount: number;
  /** Name of every column, for error messages (`repeated` blocks beyond the first get "Voix (bloc 3)"). */
  columnNames: string[];
}

export class HeaderDrift extends Error {
  constructor(message: string, readonly line: number, readonly column?: string | number) {
    super(message);
  }
}

/** The layout whose marker the header has, bound to the header and the first data row. */
export function bindBlocks<F extends string, B extends string>(
  header: string[], firstRow: string[] | undefined, specs: BlockLayoutSpec<F, B>[],
): BoundBlocks<F, B> {
  const names = header.map((h) => h.trim());
  const spec = specs.find((s) => names.includes(s.marker));
  if (!spec) throw new HeaderDrift(`en-tête non reconnu : ${specs.map((s) => `ni « ${s.marker} » (${s.label})`).join(' ')}`, 1, names[0]);
  return spec.numbering === 'repeated' ? repeated(spec, names, firstRow) : numbered(spec, names, firstRow);
}

const nameOf = (names: Record<string, string>, role: string): string => Object.entries(names).find(([, v]) => v === role)?.[0] ?? role;
const blockNameOf = <B extends string>(spec: BlockLayoutSpec<string, B>, role: B): string => spec.block.find(([, r]) => r === role)?.[0] ?? role;

function fixedColumn<F extends string>(spec: BlockLayoutSpec<F, string>, out: Pick<BoundBlocks<F, string>, 'fixed' | 'lists'>, name: string, i: number): boolean {
  const role = spec.fixed[name];
  if (!role) return false;
  if (spec.lists?.includes(role)) (out.lists[role] ??= []).push(i);
  else out.fixed[role] = i;
  return true;
}

function requireFixed<F extends string>(spec: BlockLayoutSpec<F, string>, fixed: Partial<Record<F, number>>): void {
  for (const f of spec.required) {
    if (fixed[f] === undefined) {
      const name = nameOf(spec.fixed, f);
      throw new HeaderDrift(`colonne « ${name} » absente de l’en-tête`, 1, name);
    }
  }
  if (spec.oneOf && spec.oneOf.every((f) => fixed[f] === undefined)) {
    const name = nameOf(spec.fixed, spec.oneOf[0]);
    throw new HeaderDrift(`colonne « ${name} » absente de l’en-tête`, 1, name);
  }
}

/** Some exports end every row with a `;`: one empty trailing field that belongs to no column. */
function trailingEmpty(row: string[] | undefined, expectedMultiple: (n: number) => boolean): boolean {
  return !!row && row.length > 0 && row[row.length - 1].trim() === '' && !expectedMultiple(row.length) && expectedMultiple(row.length - 1);
}

function repeated<F extends string, B extends string>(spec: BlockLayoutSpec<F, B>, names: string[], firstRow: string[] | undefined): BoundBlocks<F, B> {
  const expected = spec.block.map(([n]) => n);
  const blockStart = names.indexOf(expected[0]);
  if (blockStart < 0) throw new HeaderDrift(`colonne « ${expected[0]} » absente : pas de bloc de ${spec.noun}`, 1, expected[0]);
  const out: BoundBlocks<F, B> = { spec, fixed: {}, lists: {}, blocks: [], columnCount: 0, columnNames: [...names] };
  names.slice(0, blockStart).forEach((n, i) => {
    if (!fixedColumn(spec, out, n, i)) throw new HeaderDrift(`colonne inattendue « ${n} »`, 1, n);
  });
  requireFixed(spec, out.fixed);
  const blockNames = names.slice(blockStart);
  if (blockNames.length !== expected.length || blockNames.some((n, i) => n !== expected[i])) {
    const at = blockNames.findIndex((n, i) => n !== expected[i]);
    throw new HeaderDrift(
      `bloc de ${spec.noun} inattendu : « ${blockNames.join(';')} » au lieu de « ${expected.join(';')} »`, 1, names[blockStart + Math.max(at, 0)] ?? blockStart + 1,
    );
  }
  const size = expected.length;
  const whole = (n: number) => n >= names.length && (n - blockStart) % size === 0;
  const fields = firstRow?.length ?? names.length;
  const trailing = trailingEmpty(firstRow, whole);
  const count = trailing ? fields - 1 : fields;
  if (!whole(count)) {
    throw new HeaderDrift(`les lignes ont ${count} champs : pas un nombre entier de blocs de ${size} colonnes après les ${blockStart} colonnes fixes`, 2);
  }
  for (let b = 0; b < (count - blockStart) / size; b++) {
    const columns: Partial<Record<B, number>> = {};
    spec.block.forEach(([name, role], k) => {
      const col = blockStart + b * size + k;
      columns[role] = col;
      if (col >= names.length) out.columnNames[col] = `${name} (bloc ${b + 1})`;
    });
    out.blocks.push({ number: b + 1, columns });
  }
  if (trailing) out.columnNames.push('(fin de ligne)');
  out.columnCount = fields;
  return out;
}

function numbered<F extends string, B extends string>(spec: BlockLayoutSpec<F, B>, names: string[], firstRow: string[] | undefined): BoundBlocks<F, B> {
  const out: BoundBlocks<F, B> = { spec, fixed: {}, lists: {}, blocks: [], columnCount: 0, columnNames: names };
  const roles = new Map(spec.block);
  const blocks = new Map<number, ColumnBlock<B>>();
  names.forEach((n, i) => {
    if (fixedColumn(spec, out, n, i)) return;
    const m = n.match(/^(.+) (\d+)$/);
    const role = m ? roles.get(m[1]) : undefined;
    if (!m || !role) throw new HeaderDrift(`colonne inattendue « ${n} »`, 1, n);
    const number = Number(m[2]);
    const block: ColumnBlock<B> = blocks.get(number) ?? { number, columns: {} };
    if (block.columns[role] !== undefined) throw new HeaderDrift(`colonne « ${n} » en double`, 1, n);
    block.columns[role] = i;
    blocks.set(number, block);
  });
  requireFixed(spec, out.fixed);
  out.blocks = [...blocks.values()].sort((a, b) => a.number - b.number);
  const required = spec.blockRequired ?? [];
  const key = blockNameOf(spec, required[0] ?? spec.block[0][1]);
  if (out.blocks.length === 0) throw new HeaderDrift(`aucun bloc de ${spec.noun} (« ${key} 1 »…) dans l’en-tête`, 1);
  const shape = Object.keys(out.blocks[0].columns).sort().join(',');
  out.blocks.forEach((b, i) => {
    if (b.number !== i + 1) throw new HeaderDrift(`bloc ${i + 1} absent de l’en-tête (blocs numérotés de 1 à ${out.blocks.length} attendus)`, 1, `${key} ${i + 1}`);
    if (Object.keys(b.columns).sort().join(',') !== shape) {
      throw new HeaderDrift(`le bloc ${b.number} n’a pas les mêmes colonnes que le bloc 1`, 1, `${key} ${b.number}`);
    }
    if (required.some((r) => b.columns[r] === undefined)) {
      throw new HeaderDrift(`le bloc ${b.number} n’a pas de colonne « ${required.map((r) => blockNameOf(spec, r)).join(' » ou « ')} »`, 1, `${key} ${b.number}`);
    }
  });
  const fields = firstRow?.length ?? names.length;
  const trailing = trailingEmpty(firstRow, (n) => n <= names.length);
  if (fields > names.length && !trailing) {
    throw new HeaderDrift(`les lignes ont ${fields} champs pour ${names.length} colonnes nommées dans l’en-tête`, 2);
  }
  out.columnCount = Math.max(fields, names.length);
  if (out.columnCount > names.length) out.columnNames = [...names, '(fin de ligne)'];
  return out;
}
