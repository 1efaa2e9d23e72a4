/**
 * National-size INSEE comparateur, in the real layout: the real header and the
 * real dictionary of samples/insee-comparateur (2022 edition), and one data row
 * per current commune and arrondissement municipal of the COG, each a real row
 * of the excerpt (drawn deterministically) under the commune's code. The
 * dictionary gets one `CODGEO` row per commune, as INSEE's does. `;`, CRLF,
 * secret cells empty as in the excerpt: the parser pays what the real file costs.
 *
 *   npx tsx bench/insee-comparateur-generate.ts [--out bench/out/insee-comparateur]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { prng } from './prng.js';

const SAMPLE = join(import.meta.dirname, '../samples/insee-comparateur');

export function generateNationalComparateur(outDir: string): { data: string; meta: string; rows: number } {
  const lines = readFileSync(join(SAMPLE, 'base_cc_comparateur.CSV'), 'latin1').split('\r\n').filter(Boolean);
  const [header, ...rows] = lines;
  const metaLines = readFileSync(join(SAMPLE, 'meta_base_cc_comparateur.CSV'), 'utf8').split('\r\n').filter(Boolean);
  const [metaHeader, ...metaRows] = metaLines;
  const variables = metaRows.filter((l) => !l.startsWith('CODGEO;'));
  const codgeo = metaRows.find((l) => l.startsWith('CODGEO;'))!.split(';');
  const referential = new Referential(loadDecoupage());
  const random = prng(14);
  const data: string[] = [header];
  const dictionary: string[] = [metaHeader];
  for (const c of referential.communesAndArrondissements()) {
    const values = rows[Math.floor(random() * rows.length)].split(';');
    data.push([c.code, ...values.slice(1)].join(';'));
    dictionary.push([codgeo[0], codgeo[1], codgeo[2], c.code, c.nom, codgeo[5], codgeo[6]].join(';'));
  }
  dictionary.push(...variables);
  mkdirSync(outDir, { recursive: true });
  const dataPath = join(outDir, 'base_cc_comparateur.CSV');
  const metaPath = join(outDir, 'meta_base_cc_comparateur.CSV');
  writeFileSync(dataPath, `${data.join('\r\n')}\r\n`, 'latin1');
  writeFileSync(metaPath, `${dictionary.join('\r\n')}\r\n`, 'utf8');
  return { data: dataPath, meta: metaPath, rows: data.length - 1 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(import.meta.dirname, 'out/insee-comparateur') } } });
  const made = generateNationalComparateur(values.out!);
  console.log(`${made.rows} lignes → ${made.data}, ${made.meta}`);
}
