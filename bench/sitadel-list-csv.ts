/**
 * What a bulk list table would save on Sitadel (measurement, not the pipeline): the sitadel
 * pipeline run as bench/sitadel-national.ts runs it, except that its list query (one JSON text
 * per permit, joined per commune by sql-record-lists.ts) is replaced by what a generic
 * per-commune list table would do: DuckDB writes every row once, as the CSV line that
 * `/datasets/sitadel.csv` serves (same columns, same quoting as src/db/csv.ts), with its commune
 * and rank, through its parallel CSV writer (`COPY … TO`), and the file is read back in chunks
 * as they would go to the store's COPY (the database's own COPY time is not counted).
 *
 *   npx tsx bench/sitadel-national.ts --phase generate [--rows N]
 *   /usr/bin/time -v npx tsx bench/sitadel-list-csv.ts [--rows N]
 */
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pipeline from '../pipelines/sitadel/source.js';
import { ETATS, FIELDS, LAYOUTS } from '../pipelines/sitadel/project.js';
import { DepartementScope } from '../pipelines/framework/scope.js';
import { loadRegistry } from '../src/contract/registry.js';
import { serializeRecord } from '../pipelines/framework/load.js';
import { referential, root } from './pipeline-bench.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '3000000' }, 'memory-limit': { type: 'string', default: '1GB' } } });
const file = join(root, 'bench/out', `sitadel-logements-${values.rows}.csv`);
const work = join(root, 'bench/out', 'duckdb-tmp-sitadel-list');
mkdirSync(work, { recursive: true });
const listFile = join(work, 'liste.csv');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

/** A value as csvField writes it with `,`: empty for NULL, quoted when it holds `,` `"` CR LF or is empty (numbers and dates never do). */
const csvSql = (expr: string, text: boolean) => (!text ? `coalesce((${expr})::VARCHAR, '')` : `CASE WHEN (${expr}) IS NULL THEN ''
  WHEN ${expr} = '' OR contains(${expr}, ',') OR contains(${expr}, '"') OR contains(${expr}, chr(10)) OR contains(${expr}, chr(13))
  THEN '"' || replace(${expr}, '"', '""') || '"' ELSE ${expr} END`);
const valueOf = (name: string) => (name === 'nombre' ? '1' : name === 'etat' ? `CASE etatCode ${Object.entries(ETATS).map(([k, v]) => `WHEN ${k} THEN '${v}'`).join(' ')} END` : name);
const LINE_SQL = `concat_ws(',', ${FIELDS.map((f) => csvSql(valueOf(f.name), f.type === 'string')).join(', ')})`;

const instance = await DuckDBInstance.create(':memory:', { memory_limit: values['memory-limit']!, threads: '2', preserve_insertion_order: 'false', temp_directory: work });
const duckdb = await instance.connect();
let t = performance.now();
let c = cpu();
const columns = LAYOUTS[0].columns.map((col) => `'${col}': 'VARCHAR'`).join(', ');
await duckdb.run(`SELECT count(*) FROM read_csv('${file}', skip = 2, header = false, auto_detect = false, delim = ';', quote = '"', escape = '"', strict_mode = true, columns = {${columns}})`);
const floor = { wall: (performance.now() - t) / 1000, cpu: cpu() - c };
console.log(`plancher count(*) : ${floor.wall.toFixed(1)} s (CPU ${floor.cpu.toFixed(1)} s)`);

let listBytes = 0;
let listSeconds = 0;
/** The connection the pipeline sees: its list query becomes the COPY of the list table's rows, read back as COPY would take them. */
const connection = new Proxy(duckdb, {
  get(target, property) {
    if (property === 'run' || property === 'runAndReadAll') {
      return async (sql: string, params?: never) => {
        const start = performance.now();
        const before = cpu();
        const result = await (target[property] as (s: string, p?: never) => Promise<unknown>).call(target, sql, params);
        const seconds = (performance.now() - start) / 1000;
        if (seconds > 0.5) console.log(`  ${seconds.toFixed(1)} s (CPU ${(cpu() - before).toFixed(1)} s) : ${sql.replace(/\s+/g, ' ').slice(0, 70)}…`);
        return result;
      };
    }
    if (property !== 'stream') return Reflect.get(target, property).bind(target);
    return async (sql: string) => {
      if (!sql.includes('AS ligne FROM sitadel_cles')) return target.stream(sql);
      const start = performance.now();
      await target.run(`COPY (SELECT 1 AS load_id, cle AS code, row_number() OVER (PARTITION BY cle ORDER BY liste, dateAutorisation, numero) AS rang,
          ${LINE_SQL} AS ligne FROM sitadel_cles WHERE NOT starts_with(cle, '!')) TO '${listFile}' (FORMAT csv, HEADER false)`);
      for await (const chunk of createReadStream(listFile, { highWaterMark: 1 << 20 })) listBytes += (chunk as Buffer).length;
      listSeconds = (performance.now() - start) / 1000;
      return target.stream('SELECT NULL::VARCHAR AS cle, NULL::VARCHAR AS ligne WHERE false');
    };
  },
}) as DuckDBConnection;

const ref = referential();
const source = loadRegistry(join(root, 'data-sources.yaml')).find((s) => s.id === 'sitadel')!;
const stats = { read: 0, communes: 0, bytes: 0 };
t = performance.now();
c = cpu();
const output = await pipeline.run({
  source, files: [file], duckdb: connection, referential: ref, scope: new DepartementScope([], ref), workDir: work,
  dataset: async () => undefined, progress: { update() {} },
  report: { read: (n = 1) => { stats.read += n; }, projected: () => {}, rejected: () => {}, note: () => {} },
  bulk: { loadId: 1, copy: async () => 0, copyCsv: async () => undefined },
});
for await (const record of output.communes) {
  stats.communes++;
  stats.bytes += serializeRecord(record).data.length;
}
const run = { wall: (performance.now() - t) / 1000, cpu: cpu() - c };
duckdb.closeSync();
rmSync(work, { recursive: true, force: true });
console.log(`sitadel, liste en table de masse : ${stats.read} lignes, ${stats.communes} communes, ${(stats.bytes / 1e6).toFixed(0)} Mo de JSON (chiffres), `
  + `${(listBytes / 1e6).toFixed(0)} Mo de CSV de liste (écrit et relu en ${listSeconds.toFixed(1)} s) ; ${run.wall.toFixed(1)} s (CPU ${run.cpu.toFixed(1)} s)`);
console.log(`rapport au plancher : ${(run.wall / floor.wall).toFixed(2)}× mural, ${(run.cpu / floor.cpu).toFixed(2)}× CPU ; pic RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} Mo`);
