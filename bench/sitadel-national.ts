/**
 * National-scale Sitadel benchmark: the logements list at national size.
 *
 *   npx tsx bench/sitadel-national.ts --phase generate [--rows 3000000]
 *   /usr/bin/time -v npx tsx bench/sitadel-national.ts --phase ingest [--rows 3000000] [--memory-limit 1GB]
 *
 * generate: writes (once, in bench/out/) a file in the real layout of the list
 * (labels line, codes line, 100 columns, every string quoted), its rows made from
 * the real Toulouse rows of samples/sitadel with commune, number, état and date
 * changed, communes picked in proportion to population, in no particular order.
 * ingest: DuckDB's bare count(*) over it, then the sitadel pipeline (bench/pipeline-bench.ts).
 */
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pipeline from '../pipelines/sitadel/source.js';
import { LAYOUTS } from '../pipelines/sitadel/project.js';
import { benchPipeline, referential, root, weightedCommunes } from './pipeline-bench.js';
import { prng } from './prng.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '3000000' }, phase: { type: 'string', default: 'ingest' }, 'memory-limit': { type: 'string', default: '1GB' } } });
const rows = Number(values.rows);
const sample = join(root, 'samples/sitadel/Liste-des-autorisations-durbanisme-creant-des-logements.2026-01.31555-extrait.csv');
const out = join(root, 'bench/out', `sitadel-logements-${rows}.csv`);

async function generate(): Promise<void> {
  const [labels, codes, ...templates] = readFileSync(sample, 'utf8').trimEnd().split('\n');
  const random = prng(16);
  const ref = referential();
  const { pick } = weightedCommunes(ref, random);
  const file = createWriteStream(out);
  file.write(`${labels}\n${codes}\n`);
  const etats = ['2', '4', '5', '6'];
  const started = Date.now();
  let buffer = '';
  for (let i = 0; i < rows; i++) {
    const commune = pick();
    // Template fields split on `;` (no template value holds one): REG, DEP, COMM, NUM_DAU, ETAT, date replaced.
    const f = templates[Math.floor(random() * templates.length)].split(';');
    const dep = ref.departements.get(commune.departement);
    const year = 2013 + Math.floor(random() * 13);
    f[0] = `"${commune.region}"`; f[1] = '"Région"'; f[2] = `"${commune.departement}"`; f[3] = `"${dep?.nom ?? ''}"`; f[4] = `"${commune.code}"`;
    f[6] = `"0${commune.code}${String(year).slice(2)}C${String(i).padStart(7, '0')}"`;
    f[7] = etats[Math.floor(random() * 4)];
    f[8] = `"${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}"`;
    buffer += `${f.join(';')}\n`;
    if (buffer.length > 1 << 20) { if (!file.write(buffer)) await once(file, 'drain'); buffer = ''; }
  }
  file.end(buffer);
  await once(file, 'finish');
  console.log(`généré : ${rows} lignes en ${((Date.now() - started) / 1000).toFixed(1)} s → ${out}`);
}

if (values.phase === 'generate') {
  if (existsSync(out)) console.log(`fichier existant : ${out}`); else await generate();
} else {
  const columns = LAYOUTS[0].columns.map((c) => `'${c}': 'VARCHAR'`).join(', ');
  await benchPipeline({
    sourceId: 'sitadel', pipeline, files: [out], memoryLimit: values['memory-limit']!,
    floorSql: `SELECT count(*) FROM read_csv('${out}', skip = 2, header = false, auto_detect = false, delim = ';', quote = '"', escape = '"', strict_mode = true, columns = {${columns}})`,
  });
}
