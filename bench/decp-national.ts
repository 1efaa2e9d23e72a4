/**
 * National-scale DECP benchmark: decp.info's consolidated table at national size.
 *
 *   npx tsx bench/decp-national.ts --phase generate [--rows 1500000]
 *   /usr/bin/time -v npx tsx bench/decp-national.ts --phase ingest [--rows 1500000] [--memory-limit 1GB]
 *
 * generate: writes (once, in bench/out/) a decp.csv in the producer's layout (58 columns, `,`, quoted
 * where needed), its rows shaped like the sample's: contracts of communes (SIREN of the COG), groupements,
 * départements and the State; one row per titulaire (a quarter with two) and superseded versions
 * (`donneesActuelles` false, one contract in ten); lieu d'exécution a commune code, a postal code or a département.
 * ingest: DuckDB's bare count(*) over it, then the marches-publics-decp pipeline (bench/pipeline-bench.ts).
 */
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import pipeline from '../pipelines/marches-publics-decp/source.js';
import { benchPipeline, referential, root, weightedCommunes } from './pipeline-bench.js';
import { prng } from './prng.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1500000' }, phase: { type: 'string', default: 'ingest' }, 'memory-limit': { type: 'string', default: '1GB' } } });
const rows = Number(values.rows);
const sample = join(root, 'samples/marches-publics-decp/decp-illustratif.csv');
const out = join(root, 'bench/out', `decp-${rows}.csv`);
const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const CATEGORIES: [string, number][] = [['Commune', 0.35], ['Groupement de communes', 0.2], ['Département', 0.13], ['', 0.15], ['EPIC', 0.06], ['Établissement hospitalier', 0.06], ['État', 0.05]];
const TYPES: [string, number][] = [['Code commune', 0.3], ['Code postal', 0.4], ['Code département', 0.3]];
const pick = (r: number, table: [string, number][]) => { let acc = 0; for (const [v, p] of table) if ((acc += p) > r) return v; return table[0][0]; };

async function generate(): Promise<void> {
  const [header, ...templates] = parse(readFileSync(sample, 'utf8')) as string[][];
  const col = Object.fromEntries(header.map((h, i) => [h, i]));
  const random = prng(6);
  const { pick: commune } = weightedCommunes(referential(), random);
  const file = createWriteStream(out);
  file.write(`${header.join(',')}\n`);
  let buffer = '';
  let written = 0;
  for (let contract = 0; written < rows; contract++) {
    const buyer = commune();
    const place = commune();
    const categorie = pick(random(), CATEGORIES);
    const siret = categorie === 'Commune' && buyer.siren ? `${buyer.siren}00017` : String(20000000000000 + Math.floor(random() * 9e12));
    const type = pick(random(), TYPES);
    const year = 2019 + Math.floor(random() * 7);
    const base = [...templates[Math.floor(random() * templates.length)]];
    base[col.uid] = `${siret}${year}B${contract}`; base[col.id] = `${year}B${contract}`;
    base[col.acheteur_id] = siret; base[col.acheteur_categorie] = categorie; base[col.acheteur_commune_code] = buyer.code;
    base[col.montant] = (Math.round(random() * 5e7) / 100).toFixed(1);
    base[col.dateNotification] = `${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-15`;
    base[col.lieuExecution_code] = type === 'Code commune' ? place.code : type === 'Code postal' ? `${place.departement.padEnd(2, '0')}100` : place.departement;
    base[col.lieuExecution_typeCode] = type;
    const versions = random() < 0.1 ? 2 : 1;
    const titulaires = random() < 0.25 ? 2 : 1;
    for (let v = 0; v < versions; v++) {
      for (let t = 0; t < titulaires; t++) {
        const row = [...base];
        row[col.titulaire_id] = String(30000000000000 + Math.floor(random() * 2e5));
        row[col.modification_id] = String(v);
        row[col.donneesActuelles] = v === versions - 1 ? 'true' : 'false';
        buffer += `${row.map(csvCell).join(',')}\n`;
        written++;
      }
    }
    if (buffer.length > 1 << 20) { if (!file.write(buffer)) await once(file, 'drain'); buffer = ''; }
  }
  file.end(buffer);
  await once(file, 'finish');
  console.log(`généré : ${written} lignes → ${out}`);
}

if (values.phase === 'generate') {
  if (existsSync(out)) console.log(`fichier existant : ${out}`); else await generate();
} else {
  const header = readFileSync(sample, 'utf8').split('\n')[0].split(',');
  await benchPipeline({
    sourceId: 'marches-publics-decp', pipeline, files: [out], memoryLimit: values['memory-limit']!,
    floorSql: `SELECT count(*) FROM read_csv('${out}', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true, `
      + `columns = {${header.map((h) => `'${h}': 'VARCHAR'`).join(', ')}})`,
  });
}
