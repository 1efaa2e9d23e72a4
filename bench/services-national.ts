/**
 * National-scale benchmark of the BPE and Annuaire Santé pipelines.
 *
 *   npx tsx bench/services-national.ts --source equipements-bpe --phase generate [--rows 2800000]
 *   /usr/bin/time -v npx tsx bench/services-national.ts --source equipements-bpe --phase ingest [--rows 2800000]
 *   (same with --source professionnels-sante, default 2,000,000 rows)
 *   npx tsx bench/services-national.ts --source equipements-bpe --phase features
 *
 * 1. `generate` writes (once, in bench/out/) a file in the producer's layout — every
 *    column of the header, rows over the real communes and arrondissements in
 *    proportion to population; for the Annuaire, 1.3 rows per professional on
 *    average, one site in ten without commune code (postal code only), and the
 *    trailing `|` — plus, for the BPE, the edition's nomenclature.
 * 2. `ingest` measures, in one process: the floor (DuckDB's bare `count(*)` over the
 *    same file, every column VARCHAR, same reader options), then the pipeline as the
 *    framework runs it, every record consumed (BPE points built as GeoJSON features).
 *    Prints wall and CPU times, rows/s and the ratios to the floor, and the load average; peak RSS is /usr/bin/time's.
 * 3. `features` (BPE): what a pipeline without a table of the rows would cost, piece by piece against the same
 *    floor — the counts per commune and type in one aggregating read, then DuckDB writing every point's
 *    Feature text with `COPY … TO` (in file order, then sorted by commune) — for the COPY-based record writer.
 */
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { DepartementScope } from '../pipelines/framework/scope.js';
import { loadRegistry } from '../src/contract/registry.js';
import type { SourcePipeline } from '../pipelines/framework/types.js';
import bpe from '../pipelines/equipements-bpe/source.js';
import ps from '../pipelines/professionnels-sante/source.js';
import { prng } from './prng.js';
import { bindHeader } from '../pipelines/framework/named-columns.js';
import { namedCellsSql } from '../pipelines/framework/counted-checks.js';
import { codeMappings, stageCodeMap } from '../pipelines/framework/rekey.js';
import { stageCommuneKey } from '../pipelines/framework/rekey-keys.js';
import { serializeRecord } from '../pipelines/framework/load.js';
import type { CommuneRecord } from '../src/contract/dataset.js';
import type { SerializedCommuneRecord } from '../pipelines/framework/types.js';

const { values } = parseArgs({
  options: {
    source: { type: 'string', default: 'equipements-bpe' },
    rows: { type: 'string' },
    phase: { type: 'string', default: 'ingest' },
    'memory-limit': { type: 'string', default: '1GB' },
    threads: { type: 'string', default: '2' },
    // Prints the wall time of each DuckDB statement of the pipeline (where the time goes).
    steps: { type: 'boolean', default: false },
  },
});
const source = values.source!;
if (source !== 'equipements-bpe' && source !== 'professionnels-sante') throw new Error('--source equipements-bpe | professionnels-sante');
const rows = Number(values.rows ?? (source === 'equipements-bpe' ? 2_800_000 : 2_000_000));
const root = join(import.meta.dirname, '..');
const outDir = join(root, 'bench/out');
const referential = new Referential(loadDecoupage());

const BPE_HEADER = 'AN;APET;NOMRS;CNOMRS;NUMVOIE;INDREP;TYPVOIE;LIBVOIE;CADR;CODPOS;DEPCOM;DEP;REG;LIBCOM;DOM;SDOM;TYPEQU;SIRET;STATUT_DIFFUSION;CANTINE;INTERNAT;RPI;EP;CL_PGE;SECT;CAPACITE;LAMBERT_X;LAMBERT_Y;LONGITUDE;LATITUDE;QUALITE_XY;EPSG;QUALITE_GEOLOC;TR_DIST_PRECISION;DCIRIS;QUALI_IRIS;IRISEE;QP2024;QUALI_QP2024;QP2015;QUALI_QP2015;QVA;QUALI_QVA;ZUS;QUALI_ZUS;EPCI;UU2020;BV2022;AAV2020;DENS3;DENS7'.split(';');
const TYPES = ['A101', 'A104', 'A203', 'A206', 'A301', 'A401', 'A501', 'B101', 'B201', 'B203', 'B302', 'C107', 'C108', 'C109', 'C201', 'C301',
  'D106', 'D107', 'D265', 'D277', 'D281', 'D307', 'D502', 'E107', 'F101', 'F102', 'F113', 'F121', 'G102', 'G103'];
const PS_HEADER = "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code civilité d'exercice|Libellé civilité d'exercice|Code civilité|Libellé civilité|Nom d'exercice|Prénom d'exercice|Code profession|Libellé profession|Code catégorie professionnelle|Libellé catégorie professionnelle|Code type savoir-faire|Libellé type savoir-faire|Code savoir-faire|Libellé savoir-faire|Code mode exercice|Libellé mode exercice|Numéro SIRET site|Numéro SIREN site|Numéro FINESS site|Numéro FINESS établissement juridique|Identifiant technique de la structure|Raison sociale site|Enseigne commerciale site|Complément destinataire (coord. structure)|Complément point géographique (coord. structure)|Numéro Voie (coord. structure)|Indice répétition voie (coord. structure)|Code type de voie (coord. structure)|Libellé type de voie (coord. structure)|Libellé Voie (coord. structure)|Mention distribution (coord. structure)|Bureau cedex (coord. structure)|Code postal (coord. structure)|Code commune (coord. structure)|Libellé commune (coord. structure)|Code pays (coord. structure)|Libellé pays (coord. structure)|Téléphone (coord. structure)|Téléphone 2 (coord. structure)|Télécopie (coord. structure)|Adresse e-mail (coord. structure)|Code Département (structure)|Libellé Département (structure)|Ancien identifiant de la structure|Autorité d'enregistrement|Code secteur d'activité|Libellé secteur d'activité|Code section tableau pharmaciens|Libellé section tableau pharmaciens|".split('|');
const PROFESSIONS: [string, string][] = [['10', 'Médecin'], ['21', 'Pharmacien'], ['40', 'Chirurgien-Dentiste'], ['50', 'Sage-Femme'], ['60', 'Infirmier'], ['70', 'Masseur-Kinésithérapeute'], ['91', 'Orthophoniste']];
const SAVOIR_FAIRE: [string, string][] = [['SM54', 'Médecine Générale'], ['SM04', 'Cardiologie et maladies vasculaires'], ['SM26', 'Pédiatrie'], ['SM53', 'Spécialiste en Médecine Générale']];

const files = () => source === 'equipements-bpe'
  ? [join(outDir, `BPE-${rows}.csv`), join(outDir, 'BPE-varmod.csv')]
  : [join(outDir, `PS_LibreAcces_Personne_activite_${rows}.txt`)];

/** Communes (arrondissements for Paris, Lyon, Marseille) with their population, for drawing codes by weight. */
function weightedCommunes(): { codes: string[]; cumulative: number[]; postal: string[] } {
  const codes: string[] = [];
  const cumulative: number[] = [];
  const postal: string[] = [];
  let total = 0;
  for (const c of referential.communesAndArrondissements()) {
    if (referential.arrondissementsOf(c.code).length || !c.population) continue;
    total += c.population;
    codes.push(c.code);
    cumulative.push(total);
    postal.push(c.codesPostaux[0] ?? '');
  }
  return { codes, cumulative: cumulative.map((v) => v / total), postal };
}

async function write(path: string, lines: () => Iterable<string>): Promise<void> {
  const stream = createWriteStream(path);
  let buffer = '';
  for (const line of lines()) {
    buffer += line;
    if (buffer.length > 1 << 20) { if (!stream.write(buffer)) await once(stream, 'drain'); buffer = ''; }
  }
  stream.end(buffer);
  await once(stream, 'finish');
}

async function generate(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const [main] = files();
  if (existsSync(main)) { console.log(`fichier existant: ${main}`); return; }
  const random = prng(17);
  const { codes, cumulative, postal } = weightedCommunes();
  const pick = () => { const r = random(); let lo = 0; let hi = cumulative.length - 1; while (lo < hi) { const mid = (lo + hi) >> 1; if (cumulative[mid] < r) lo = mid + 1; else hi = mid; } return lo; };
  const started = Date.now();
  if (source === 'equipements-bpe') {
    writeFileSync(files()[1], ['COD_VAR;LIB_VAR;COD_MOD;LIB_MOD;TYPE_VAR;LONG_VAR', ...'ABCDEFG'.split('').map((d) => `DOM;Domaine;${d};Domaine ${d};CHAR;1`),
      ...TYPES.map((t) => `TYPEQU;Type d'équipement;${t};${({ D106: 'Urgences', D107: 'Maternité', D265: 'Médecin généraliste', D277: 'Chirurgien dentiste', D281: 'Infirmier', D307: 'Pharmacie' } as Record<string, string>)[t] ?? `Équipement ${t}`};CHAR;4`)].join('\n') + '\n');
    const at = Object.fromEntries(BPE_HEADER.map((h, i) => [h, i]));
    await write(main, function* () {
      yield `${BPE_HEADER.join(';')}\n`;
      for (let i = 0; i < rows; i++) {
        const cells = new Array<string>(BPE_HEADER.length).fill('');
        const code = codes[pick()];
        const type = TYPES[Math.floor(random() * TYPES.length)];
        Object.assign(cells, { [at.AN]: '2024', [at.DEPCOM]: code, [at.DEP]: code.slice(0, code.startsWith('97') ? 3 : 2), [at.DOM]: type[0], [at.SDOM]: type.slice(0, 2), [at.TYPEQU]: type });
        if (random() < 0.97) {
          Object.assign(cells, { [at.LONGITUDE]: (-4.5 + random() * 12).toFixed(6), [at.LATITUDE]: (42.5 + random() * 8.5).toFixed(6), [at.QUALITE_XY]: random() < 0.9 ? 'Bonne' : 'Acceptable', [at.EPSG]: '2154' });
        } else cells[at.QUALITE_XY] = 'Non géolocalisé';
        yield `${cells.join(';')}\n`;
      }
    });
  } else {
    const at = Object.fromEntries(PS_HEADER.map((h, i) => [h, i]));
    await write(main, function* () {
      yield `${PS_HEADER.join('|')}\n`;
      let person = 0;
      for (let i = 0; i < rows; i++) {
        if (random() < 0.77) person++;
        const index = pick();
        const [profession, label] = PROFESSIONS[person % PROFESSIONS.length];
        const cells = new Array<string>(PS_HEADER.length - 1).fill('');
        Object.assign(cells, {
          [at["Type d'identifiant PP"]]: '8', [at['Identification nationale PP']]: String(81e10 + person), [at["Nom d'exercice"]]: 'NOM', [at["Prénom d'exercice"]]: 'PRENOM',
          [at['Code profession']]: profession, [at['Libellé profession']]: label, [at['Code postal (coord. structure)']]: postal[index],
          [at['Code commune (coord. structure)']]: random() < 0.9 ? codes[index] : '',
        });
        if (profession === '10') {
          const [code, sf] = SAVOIR_FAIRE[person % SAVOIR_FAIRE.length];
          Object.assign(cells, { [at['Code type savoir-faire']]: 'S', [at['Libellé type savoir-faire']]: 'Spécialité ordinale', [at['Code savoir-faire']]: code, [at['Libellé savoir-faire']]: sf });
        }
        yield `${cells.join('|')}|\n`;
      }
    });
  }
  console.log(`généré: ${rows} lignes en ${((Date.now() - started) / 1000).toFixed(1)} s → ${main}`);
}

/**
 * Points of a record as load.ts sees them (serialised text), counted without
 * parsing it: each feature of the text carries one `"type":"Feature"`.
 */
function featureCount(record: CommuneRecord | SerializedCommuneRecord): number {
  const text = serializeRecord(record).features;
  if (!text) return 0;
  let n = 0;
  for (let at = text.indexOf('"type":"Feature"'); at >= 0; at = text.indexOf('"type":"Feature"', at + 16)) n++;
  return n;
}

/** The connection with each run/read/stream timed and printed (first words of the statement). */
function timedConnection(connection: DuckDBConnection): DuckDBConnection {
  const label = (sql: unknown) => String(sql).replace(/--[^\n]*\n/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 70);
  return new Proxy(connection, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || !['run', 'runAndReadAll', 'stream'].includes(String(name))) return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        const ms = performance.now() - started;
        if (ms > 50) console.log(`  ${(ms / 1000).toFixed(2)} s  ${String(name)}  ${label(args[0])}`);
        return result;
      };
    },
  });
}

async function ingest(): Promise<void> {
  // As the framework opens it (framework/duckdb.ts): insertion order not kept, spilling to a temporary directory.
  const spill = mkdtempSync(join(tmpdir(), 'dotation-bench-spill-'));
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: values['memory-limit']!, threads: values.threads!, preserve_insertion_order: 'false', temp_directory: spill });
  const duckdb = values.steps ? timedConnection(await instance.connect()) : await instance.connect();
  const [main] = files();
  const header = source === 'equipements-bpe' ? BPE_HEADER : PS_HEADER.slice(0, -1);
  const columns = `{${header.map((h, i) => `'c${i}': 'VARCHAR'`).join(', ')}}`;
  const delimiter = source === 'equipements-bpe' ? ';' : '|';
  // CPU time of the whole process (every DuckDB thread included) next to wall time: on a shared machine the
  // process gets a fraction of a core, which stretches wall times but not the work done.
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  let c = cpu();
  let t = performance.now();
  const floor = await duckdb.runAndReadAll(`SELECT count(*) FROM read_csv('${main}', delim='${delimiter}', header=false, skip=1, auto_detect=false, quote='${delimiter === '|' ? '' : '"'}', columns=${columns})`);
  const floorMs = performance.now() - t;
  const floorCpu = cpu() - c;
  console.log(`plancher DuckDB count(*): ${floor.getRowsJS()[0][0]} lignes en ${(floorMs / 1000).toFixed(2)} s (CPU ${floorCpu.toFixed(2)} s)`);

  const def = loadRegistry(join(root, 'data-sources.yaml')).find((s) => s.id === source)!;
  const pipeline: SourcePipeline = source === 'equipements-bpe' ? bpe : ps;
  const workDir = mkdtempSync(join(tmpdir(), 'dotation-bench-'));
  let read = 0;
  let projected = 0;
  c = cpu();
  t = performance.now();
  const output = await pipeline.run({
    source: def, files: files(), duckdb, referential, scope: new DepartementScope([], referential), workDir,
    dataset: async () => undefined, progress: { update() {} },
    report: { read: (n = 1) => { read += n; }, projected: (n = 1) => { projected += n; }, rejected() {}, note() {} },
    bulk: { loadId: 1, copy: async () => 0, copyCsv: async () => {} },
  });
  let records = 0;
  let features = 0;
  for await (const r of output.communes) { records++; features += featureCount(r); }
  const ms = performance.now() - t;
  const pipelineCpu = cpu() - c;
  rmSync(workDir, { recursive: true, force: true });
  rmSync(spill, { recursive: true, force: true });
  console.log(`${source}: ${read} lignes lues, ${projected} attribuées, ${records} communes, ${features} points, ${(ms / 1000).toFixed(2)} s, ${Math.round(read / (ms / 1000))} lignes/s`);
  console.log(`CPU ${pipelineCpu.toFixed(2)} s`);
  console.log(`ratio au plancher count(*): ${(ms / floorMs).toFixed(2)}× en temps mural, ${(pipelineCpu / floorCpu).toFixed(2)}× en CPU`);
  console.log(`charge moyenne (1, 5, 15 min) : ${loadavg().map((l) => l.toFixed(1)).join(', ')}`);
}

/** The BPE's pieces without a table of rows (step 3 of the header), each timed against the floor of the same run. */
async function features(): Promise<void> {
  if (source !== 'equipements-bpe') throw new Error('--phase features : --source equipements-bpe');
  const spill = mkdtempSync(join(tmpdir(), 'dotation-bench-spill-'));
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: values['memory-limit']!, threads: values.threads!, preserve_insertion_order: 'false', temp_directory: spill });
  const duckdb = await instance.connect();
  await stageCodeMap(duckdb, codeMappings(referential, 'commune scindée'), 'bpe_code_map');
  await stageCommuneKey(duckdb);
  const [main] = files();
  const columns = { DEPCOM: 'depcom', TYPEQU: 'typequ', LONGITUDE: 'longitude', LATITUDE: 'latitude', LAMBERT_X: 'lambert_x', QUALITE_XY: 'qualite_xy' };
  const header = await bindHeader(source, main, ';', Object.keys(columns));
  const keyed = `SELECT commune_key(c.depcom, m.code_source IS NOT NULL, m.commune) AS cle, c.* FROM (${namedCellsSql(main, header, columns, 0, ';')}) c
    LEFT JOIN bpe_code_map m ON m.code_source = c.depcom`;
  // As stage.sql writes a point: type code, quality, the producer's coordinates.
  const feature = `concat('{"type":"Feature","properties":{"typequ":', to_json(typequ), ',"qualiteXY":', coalesce(to_json(qualite_xy), 'null'),
    '},"geometry":{"type":"Point","coordinates":[', replace(longitude, ',', '.'), ',', replace(latitude, ',', '.'), ']}}')`;
  const out = join(spill, 'features.tsv');
  const copy = (order: string) => `COPY (SELECT cle, ${feature} AS feature FROM (${keyed}) WHERE longitude IS NOT NULL AND latitude IS NOT NULL ${order})
    TO '${out}' (FORMAT csv, DELIMITER '\t', QUOTE '', ESCAPE '', HEADER false)`;
  const steps: [string, string][] = [
    ['plancher count(*)', `SELECT count(*) FROM read_csv('${main}', delim=';', header=false, skip=1, auto_detect=false, columns={${header.names.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ')}})`],
    ['comptes par commune et type en une lecture', `CREATE OR REPLACE TEMP TABLE comptes AS SELECT cle, typequ, count(*) AS nombre,
      count(*) FILTER (WHERE longitude IS NOT NULL OR lambert_x IS NOT NULL) AS geolocalises FROM (${keyed}) GROUP BY ALL`],
    ['COPY des Features, ordre du fichier', copy('')],
    ['COPY des Features, triées par commune', copy('ORDER BY cle')],
  ];
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  let floor = 0;
  for (const [label, sql] of steps) {
    const c = cpu();
    const t = performance.now();
    const result = await duckdb.runAndReadAll(sql);
    const spent = cpu() - c;
    floor ||= spent;
    const size = label.startsWith('COPY') ? `, ${(statSync(out).size / 1e6).toFixed(0)} Mo` : '';
    console.log(`${label}: ${((performance.now() - t) / 1000).toFixed(2)} s, CPU ${spent.toFixed(2)} s (${(spent / floor).toFixed(2)}× le plancher), ${result.getRowsJS()[0]?.[0] ?? ''} lignes${size}`);
  }
  rmSync(spill, { recursive: true, force: true });
  console.log(`charge moyenne (1, 5, 15 min) : ${loadavg().map((l) => l.toFixed(1)).join(', ')}`);
}

if (values.phase === 'generate') await generate();
else if (values.phase === 'features') await features();
else await ingest();
