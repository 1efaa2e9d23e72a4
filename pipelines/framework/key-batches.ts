/**
 * Consecutive ranges of commune keys holding at most `maxRows` source rows each (a key with more stands alone),
 * for a source whose records DuckDB builds batch by batch (sql-records.ts): a GROUP BY over one range holds that
 * range's rows, not the nation's. Keys come sorted as DuckDB sorts VARCHAR, so `cle BETWEEN first AND last`
 * selects exactly a range's keys.
 */
export interface KeyRange { first: string; last: string; rows: number }

export function keyRanges(keys: Iterable<{ cle: unknown; lignes: unknown }>, maxRows: number): KeyRange[] {
  const ranges: KeyRange[] = [];
  let current: KeyRange | undefined;
  for (const { cle, lignes } of keys) {
    const key = String(cle);
    const rows = Number(lignes);
    if (current && current.rows + rows > maxRows) { ranges.push(current); current = undefined; }
    if (current) { current.last = key; current.rows += rows; } else current = { first: key, last: key, rows };
  }
  if (current) ranges.push(current);
  return ranges;
}
