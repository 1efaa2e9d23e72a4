/**
 * The two DuckDB scans of the BAN files: one GROUP BY per commune and commune
 * déléguée (with the format checks as counts), and one stream of the accepted
 * rows for the bulk table. Nothing here holds more than one chunk of rows in JS.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { DuckDBInstance, listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { SourceError } from '../framework/errors.js';
import { BAN_COLUMNS, banReadCsv, type BanColumn } from './columns.js';
import { stageCodeMap, type CodeMapping } from './codes.js';

export interface ScanScope { files: string[]; departements: string[] }

/** One GROUP BY row: `niveau` 1 = the whole commune, 0 = one commune déléguée (or none) inside it. */
export interface GroupRow {
  /** Current commune; `!U:<code>` unknown, `!S:<code>` split since, `!M:<code>` malformed code. */
  cle: string;
  niveau: 0 | 1;
  deleguee: string | null;
  nomDeleguee: string | null;
  nomCommune: string | null;
  /** `code_insee` values of the file grouped here (several after a merger). */
  codesSource: string[];
  adresses: number;
  voies: number;
  lieuxDits: number;
  certifiees: number;
  sansPosition: number;
  codesPostaux: string[];
  parTypePosition: Record<string, number>;
  parSourcePosition: Record<string, number>;
  parSourceNomVoie: Record<string, number>;
}

export interface FormatChecks { numero: number; x: number; y: number; lon: number; lat: number; certification_commune: number }

/** What a value of each checked column must look like; empty is allowed where the producer writes it empty. */
export const VALUE_CHECKS: Record<keyof FormatChecks, { sql: string; test: (v: string) => boolean; expected: string }> = {
  numero: { sql: "numero IS NULL OR ltrim(numero, '0123456789') <> ''", test: (v) => /^[0-9]+$/.test(v), expected: 'un entier' },
  x: { sql: 'x IS NOT NULL AND TRY_CAST(x AS DOUBLE) IS NULL', test: (v) => v === '' || Number.isFinite(Number(v)), expected: 'un nombre' },
  y: { sql: 'y IS NOT NULL AND TRY_CAST(y AS DOUBLE) IS NULL', test: (v) => v === '' || Number.isFinite(Number(v)), expected: 'un nombre' },
  lon: { sql: 'lon IS NOT NULL AND TRY_CAST(lon AS DOUBLE) IS NULL', test: (v) => v === '' || Number.isFinite(Number(v)), expected: 'un nombre' },
  lat: { sql: 'lat IS NOT NULL AND TRY_CAST(lat AS DOUBLE) IS NULL', test: (v) => v === '' || Number.isFinite(Number(v)), expected: 'un nombre' },
  certification_commune: {
    sql: "certification_commune IS NULL OR certification_commune NOT IN ('0', '1')", test: (v) => v === '0' || v === '1', expected: '0 ou 1',
  },
};

const DEP_EXPR = "CASE WHEN s.code_insee[1:2] IN ('97', '98') THEN s.code_insee[1:3] ELSE s.code_insee[1:2] END";

function scopeFilter(scope: ScanScope): { sql: string; params: DuckDBValue[] } {
  if (!scope.departements.length) return { sql: 'TRUE', params: [] };
  return { sql: `list_contains($1::VARCHAR[], ${DEP_EXPR})`, params: [listValue(scope.departements)] };
}

/** Turns DuckDB's CSV errors into a SourceError naming file, line and column. */
export function csvError(sourceId: string, scope: ScanScope, error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const line = /CSV Error on Line: (\d+)/.exec(message);
  if (!line) return error;
  const file = /^\s*file = (.+)$/m.exec(message)?.[1]?.trim() ?? scope.files.join(', ');
  const original = /Original Line: (.*)$/m.exec(message)?.[1] ?? '';
  const found = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  let column: string | number | undefined;
  let problem: string;
  if (found) {
    const n = Number(found[2]);
    column = n < BAN_COLUMNS.length ? BAN_COLUMNS[n] : n + 1;
    problem = `${n} colonnes au lieu de ${BAN_COLUMNS.length}`;
  } else if (/unterminated quote/i.test(message)) {
    const before = original.slice(0, Math.max(0, original.indexOf('"')));
    column = BAN_COLUMNS[before.split(';').length - 1] ?? before.split(';').length;
    problem = 'guillemet ouvert jamais refermé';
  } else {
    problem = message.split('\n')[0].replace(/^Invalid Input Error: /, '');
  }
  return new SourceError(sourceId, file, problem, Number(line[1]), column);
}

/**
 * One scan of the files into a small table of partial counts (grouping sets:
 * descriptive dimensions, voies, lieux-dits, each under commune × déléguée),
 * then cheap roll-ups of that table to the commune and commune-déléguée levels.
 * Plain counts in the scan keep it close to the cost of reading the file; the
 * distinct counts and lists run on the partial table (thousands of times smaller).
 */
export async function aggregate(
  duckdb: DuckDBConnection, sourceId: string, scope: ScanScope,
): Promise<{ groups: GroupRow[]; checks: FormatChecks }> {
  const filter = scopeFilter(scope);
  const rowChecks = (['numero', 'x', 'y', 'lon', 'lat'] as const)
    .map((k) => `count(*) FILTER (WHERE ${VALUE_CHECKS[k].sql})::BIGINT AS bad_${k}`).join(',\n  ');
  const scan = `
CREATE OR REPLACE TEMP TABLE ban_partiel AS
WITH src AS (
  SELECT s.code_insee, s.code_insee_ancienne_commune AS deleguee, s.nom_ancienne_commune AS nom_deleguee, s.nom_commune,
    s.type_position, s.source_position, s.source_nom_voie, s.code_postal, s.certification_commune, s.nom_ld, s.numero, s.x, s.y, s.lon, s.lat,
    coalesce(s.id_fantoir, concat(s.code_insee, '/', s.code_insee_ancienne_commune, '/', lower(s.nom_voie))) AS voie,
    CASE
      WHEN m.code_source IS NOT NULL AND m.commune IS NOT NULL THEN m.commune
      WHEN m.code_source IS NOT NULL THEN '!S:' || s.code_insee
      WHEN regexp_full_match(coalesce(s.code_insee, ''), '(?:[0-9]{2}|2A|2B)[0-9]{3}') THEN '!U:' || s.code_insee
      ELSE '!M:' || coalesce(s.code_insee, '') END AS cle
  FROM ${banReadCsv(scope.files)} s LEFT JOIN ban_code_map m ON m.code_source = s.code_insee
  WHERE ${filter.sql}
)
SELECT grouping(voie, nom_ld)::INTEGER AS ensemble, cle, code_insee, deleguee, nom_deleguee, nom_commune,
  type_position, source_position, source_nom_voie, code_postal, certification_commune, voie, nom_ld,
  count(*)::BIGINT AS n,
  count(*) FILTER (WHERE lon IS NULL OR lat IS NULL)::BIGINT AS sans_position,
  ${rowChecks}
FROM src
GROUP BY GROUPING SETS (
  (cle, code_insee, deleguee, nom_deleguee, nom_commune, type_position, source_position, source_nom_voie, code_postal, certification_commune),
  (cle, deleguee, voie),
  (cle, deleguee, nom_ld))`;
  try {
    await duckdb.run(scan, filter.params);
  } catch (error) {
    throw csvError(sourceId, scope, error);
  }
  // ensemble: 3 = dimensions, 1 = voies, 2 = lieux-dits.
  const levels = 'GROUP BY GROUPING SETS ((cle), (cle, deleguee))';
  const summary = (await duckdb.runAndReadAll(`
SELECT cle, grouping(deleguee)::INTEGER AS niveau, deleguee, min(nom_deleguee) AS nom_deleguee, min(nom_commune) AS nom_commune,
  sum(n)::BIGINT AS adresses,
  coalesce(sum(n) FILTER (WHERE certification_commune = '1'), 0)::BIGINT AS certifiees,
  sum(sans_position)::BIGINT AS sans_position,
  list(DISTINCT code_postal) FILTER (WHERE code_postal IS NOT NULL) AS codes_postaux,
  list(DISTINCT code_insee) FILTER (WHERE code_insee IS NOT NULL) AS codes_source,
  sum(bad_numero)::BIGINT AS bad_numero, sum(bad_x)::BIGINT AS bad_x, sum(bad_y)::BIGINT AS bad_y,
  sum(bad_lon)::BIGINT AS bad_lon, sum(bad_lat)::BIGINT AS bad_lat,
  coalesce(sum(n) FILTER (WHERE ${VALUE_CHECKS.certification_commune.sql}), 0)::BIGINT AS bad_certification_commune
FROM ban_partiel WHERE ensemble = 3 ${levels}`)).getRowObjectsJS();
  const distinct = (await duckdb.runAndReadAll(`
SELECT cle, grouping(deleguee)::INTEGER AS niveau, deleguee, count(DISTINCT voie)::BIGINT AS voies, count(DISTINCT nom_ld)::BIGINT AS lieux_dits
FROM ban_partiel WHERE ensemble IN (1, 2) ${levels}`)).getRowObjectsJS();
  const histograms = (await duckdb.runAndReadAll(`
WITH d AS (SELECT cle, deleguee, n, coalesce(type_position, '') AS tp, coalesce(source_position, '') AS sp, coalesce(source_nom_voie, '') AS sv
           FROM ban_partiel WHERE ensemble = 3),
u AS (SELECT cle, deleguee, 'tp' AS dim, tp AS val, n FROM d
      UNION ALL SELECT cle, deleguee, 'sp', sp, n FROM d
      UNION ALL SELECT cle, deleguee, 'sv', sv, n FROM d)
SELECT cle, grouping(deleguee)::INTEGER AS niveau, deleguee, dim, val, sum(n)::BIGINT AS n
FROM u GROUP BY GROUPING SETS ((cle, dim, val), (cle, deleguee, dim, val))`)).getRowObjectsJS();
  await duckdb.run('DROP TABLE IF EXISTS ban_partiel');

  const key = (r: Record<string, unknown>) => `${r.niveau}|${r.cle}|${r.deleguee ?? '\u0000'}`;
  const totals: FormatChecks = { numero: 0, x: 0, y: 0, lon: 0, lat: 0, certification_commune: 0 };
  const groups = new Map<string, GroupRow>();
  for (const r of summary) {
    const niveau = Number(r.niveau) as 0 | 1;
    if (niveau === 1) for (const k of Object.keys(totals) as (keyof FormatChecks)[]) totals[k] += Number(r[`bad_${k}`]);
    groups.set(key(r), {
      cle: String(r.cle),
      niveau,
      deleguee: (r.deleguee as string | null) ?? null,
      nomDeleguee: (r.nom_deleguee as string | null) ?? null,
      nomCommune: (r.nom_commune as string | null) ?? null,
      codesSource: ((r.codes_source as string[] | null) ?? []).map(String).sort(),
      adresses: Number(r.adresses),
      voies: 0,
      lieuxDits: 0,
      certifiees: Number(r.certifiees),
      sansPosition: Number(r.sans_position),
      codesPostaux: ((r.codes_postaux as string[] | null) ?? []).map(String).sort(),
      parTypePosition: {},
      parSourcePosition: {},
      parSourceNomVoie: {},
    });
  }
  for (const r of distinct) {
    const g = groups.get(key(r));
    if (!g) continue;
    g.voies = Number(r.voies);
    g.lieuxDits = Number(r.lieux_dits);
  }
  const target = { tp: 'parTypePosition', sp: 'parSourcePosition', sv: 'parSourceNomVoie' } as const;
  for (const r of histograms) {
    const g = groups.get(key(r));
    if (g) g[target[r.dim as keyof typeof target]][String(r.val)] = Number(r.n);
  }
  return { groups: [...groups.values()], checks: totals };
}

/**
 * Error path only: reads the files again in JS to name the first line and
 * column whose value breaks the declared format (DuckDB counted, but does not
 * say where). Line numbers are physical lines, as an editor shows them.
 */
export async function locateBadValue(sourceId: string, scope: ScanScope, checks: FormatChecks): Promise<SourceError> {
  const wanted = (Object.keys(checks) as (keyof FormatChecks)[]).filter((k) => checks[k] > 0);
  for (const file of scope.files) {
    const raw = createReadStream(file);
    const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    const parser = input.pipe(parse({ delimiter: ';', from_line: 2, relax_quotes: false, info: true }));
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        const row = Object.fromEntries(BAN_COLUMNS.map((c, i) => [c, record[i] ?? ''])) as Record<BanColumn, string>;
        if (scope.departements.length) {
          const code = row.code_insee;
          const dep = code.startsWith('97') || code.startsWith('98') ? code.slice(0, 3) : code.slice(0, 2);
          if (!scope.departements.includes(dep)) continue;
        }
        for (const k of wanted) {
          if (!VALUE_CHECKS[k].test(row[k])) {
            return new SourceError(sourceId, file, `valeur « ${row[k]} » au lieu de ${VALUE_CHECKS[k].expected}`, info.lines, k);
          }
        }
      }
    } finally {
      raw.destroy();
    }
  }
  const detail = wanted.map((k) => `${k}: ${checks[k]}`).join(', ');
  return new SourceError(sourceId, scope.files.join(', '), `valeurs hors format (${detail})`);
}

/**
 * A second, private DuckDB for the address stream, so that it scans the file
 * while the GROUP BY runs on the framework's connection (one connection runs
 * one statement at a time). It holds only the code map and a streaming buffer.
 */
export async function openStreamConnection(mappings: CodeMapping[]): Promise<{ connection: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '512MB', preserve_insertion_order: 'false' });
  const connection = await instance.connect();
  await stageCodeMap(connection, mappings);
  return { connection, close: () => { connection.closeSync(); instance.closeSync(); } };
}

/**
 * The accepted rows (known commune, in scope) as arrays of the 23 columns, empty
 * fields as null. DuckDB joins each row into one string so that JS decodes one
 * value per row instead of 23; a field holding the joiner is a format error.
 */
export async function* streamAddresses(duckdb: DuckDBConnection, sourceId: string, scope: ScanScope): AsyncGenerator<(string | null)[]> {
  const filter = scopeFilter(scope);
  const joined = BAN_COLUMNS.map((c, i) => (i ? `'\u001f', s.${c}` : `s.${c}`)).join(', ');
  const sql = `SELECT concat(${joined}) AS l FROM ${banReadCsv(scope.files)} s
    WHERE s.code_insee IN (SELECT code_source FROM ban_code_map WHERE commune IS NOT NULL) AND ${filter.sql}`;
  // A larger buffer lets DuckDB parse ahead while JS consumes.
  await duckdb.run("SET streaming_buffer_size = '64MB'");
  let result;
  try {
    result = await duckdb.stream(sql, filter.params);
  } catch (error) {
    throw csvError(sourceId, scope, error);
  }
  for (;;) {
    let chunk;
    try {
      chunk = await result.fetchChunk();
    } catch (error) {
      throw csvError(sourceId, scope, error);
    }
    if (!chunk || chunk.rowCount === 0) break;
    const vector = chunk.getColumnVector(0);
    const n = chunk.rowCount;
    const rows: (string | null)[][] = new Array(n);
    for (let i = 0; i < n; i++) {
      const fields: (string | null)[] = (vector.getItem(i) as string).split('\u001f');
      if (fields.length !== BAN_COLUMNS.length) {
        throw new SourceError(sourceId, scope.files.join(', '), `caractère de contrôle U+001F dans une valeur (identifiant ${fields[0]})`);
      }
      for (let j = 0; j < fields.length; j++) if (fields[j] === '') fields[j] = null;
      rows[i] = fields;
    }
    yield* rows;
  }
}
