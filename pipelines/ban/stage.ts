/**
 * The DuckDB scan of the BAN files: one GROUP BY per commune and commune
 * déléguée, with the declared types checked by DuckDB's reader, and the error
 * path that names file, line and column of a value breaking the format.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { SourceError } from '../framework/errors.js';
import { banReadCsv } from '../framework/ban-csv.js';
import { BAN_COLUMNS, type BanColumn } from '../../src/contract/ban.js';

export interface ScanScope { files: string[]; departements: readonly string[] }

/** One GROUP BY row: `niveau` 1 = the whole commune, 0 = one commune déléguée (or none) inside it. */
export interface GroupRow {
  /** Current commune; `!U:<code>` unknown, `!S:<code>` split since, `!M:<code>` malformed code. */
  cle: string;
  niveau: 0 | 1;
  deleguee: string | null;
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
  } else if (/Error when converting column "([^"]+)"/.test(message)) {
    const [, name] = /Error when converting column "([^"]+)"/.exec(message)!;
    const value = /Could not convert string "([^"]*)"/.exec(message)?.[1] ?? '';
    const check = VALUE_CHECKS[name as keyof FormatChecks];
    column = name;
    problem = `valeur « ${value} » au lieu de ${check?.expected ?? 'une valeur du type déclaré'}`;
  } else if (/unterminated quote/i.test(message)) {
    const before = original.slice(0, Math.max(0, original.indexOf('"')));
    column = BAN_COLUMNS[before.split(';').length - 1] ?? before.split(';').length;
    problem = 'guillemet ouvert jamais refermé';
  } else {
    problem = message.split('\n')[0].replace(/^Invalid Input Error: /, '');
  }
  return new SourceError(sourceId, file, problem, Number(line[1]), column);
}

/** Columns the GROUP BY reads as numbers: a value that does not convert stops the scan with its line and column. */
export const TYPED_COLUMNS = { numero: 'UINTEGER', x: 'DOUBLE', y: 'DOUBLE', lon: 'DOUBLE', lat: 'DOUBLE' } as const;

/**
 * One scan of the files into a table of partial counts under two grouping
 * sets per `code_insee` × commune déléguée: (voie, lieu-dit), as 64-bit hashes
 * for the distinct counts, and the attributes (postal code, certification,
 * position type, position source, voie-name source) for the counts and
 * histograms. Two hash tables per row instead of one per figure: on the
 * national file 4.7 M + 0.8 M groups (bench/ban-national.ts). Re-keying onto
 * current communes, distinct counts and lists then run on that table.
 */
export async function aggregate(
  duckdb: DuckDBConnection, sourceId: string, scope: ScanScope,
): Promise<{ groups: GroupRow[]; checks: FormatChecks }> {
  return withMemoryLimit(duckdb, AGGREGATION_MEMORY, () => aggregateScan(duckdb, sourceId, scope));
}

/**
 * DuckDB's hash aggregation takes what `memory_limit` allows: on the national
 * file (26 M rows) 4.2 GB of RSS under the framework's 4 GB limit, 1.3 GB
 * under 1 GB, in the same time (measured with bench/ban-national.ts on an
 * earlier six-set plan; the whole pipeline now peaks at 1.5–1.6 GB). The JS
 * reader runs alongside, so the scan is capped and the limit put back after.
 */
export const AGGREGATION_MEMORY = 1024 ** 3;

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4 };

export function parseMemory(text: string): number | undefined {
  const m = /^\s*([\d.]+)\s*([KMGT]?I?B)\s*$/i.exec(text);
  return m ? Number(m[1]) * (UNITS[m[2].toUpperCase()] ?? NaN) : undefined;
}

async function withMemoryLimit<T>(duckdb: DuckDBConnection, bytes: number, fn: () => Promise<T>): Promise<T> {
  const [row] = (await duckdb.runAndReadAll("SELECT current_setting('memory_limit') AS m")).getRowObjectsJS();
  const previous = String(row.m);
  const current = parseMemory(previous);
  if (current !== undefined && current <= bytes) return fn();
  await duckdb.run(`SET memory_limit = '${Math.floor(bytes / 1024 ** 2)}MiB'`);
  try {
    return await fn();
  } finally {
    // DuckDB prints the limit rounded to 0.1 GiB: put back that many bytes (a rounding, not a drift, on repeated runs).
    await duckdb.run(current === undefined ? 'RESET memory_limit' : `SET memory_limit = '${Math.round(current)}B'`);
  }
}

async function aggregateScan(
  duckdb: DuckDBConnection, sourceId: string, scope: ScanScope,
): Promise<{ groups: GroupRow[]; checks: FormatChecks }> {
  const filter = scopeFilter(scope);
  const scan = `
CREATE OR REPLACE TEMP TABLE ban_partiel AS
WITH src AS (
  SELECT s.code_insee, s.code_insee_ancienne_commune AS deleguee, s.type_position, s.source_position, s.source_nom_voie,
    s.code_postal, s.certification_commune, s.numero, s.x, s.y, s.lon, s.lat,
    hash(coalesce(s.id_fantoir, concat(s.code_insee, '/', s.code_insee_ancienne_commune, '/', lower(s.nom_voie)))) AS voie,
    CASE WHEN s.nom_ld IS NOT NULL THEN hash(s.nom_ld) END AS ld
  FROM ${banReadCsv(scope.files, TYPED_COLUMNS)} s
  WHERE ${filter.sql}
)
SELECT grouping(voie)::INTEGER AS attributs,
  code_insee, deleguee, voie, ld, code_postal, certification_commune, type_position, source_position, source_nom_voie,
  count(*)::BIGINT AS n,
  count(*) FILTER (WHERE lon IS NULL OR lat IS NULL)::BIGINT AS sans_position,
  count(*) FILTER (WHERE numero IS NULL)::BIGINT AS sans_numero,
  -- Referencing the typed columns makes the reader convert (and check) them.
  (count(numero) + count(x) + count(y))::BIGINT AS convertis
FROM src
GROUP BY GROUPING SETS (
  (code_insee, deleguee, voie, ld),
  (code_insee, deleguee, code_postal, certification_commune, type_position, source_position, source_nom_voie))`;
  try {
    await duckdb.run(scan, filter.params);
  } catch (error) {
    throw csvError(sourceId, scope, error);
  }
  // The current commune of each code of the file (a few tens of thousands of rows), then joined to the partial table.
  const keyed = `(SELECT p.*, k.cle FROM ban_partiel p JOIN ban_cles k ON k.code_insee IS NOT DISTINCT FROM p.code_insee)`;
  const levels = 'GROUP BY GROUPING SETS ((cle), (cle, deleguee))';
  try {
    await duckdb.run(`
CREATE OR REPLACE TEMP TABLE ban_cles AS
SELECT c.code_insee, CASE
    WHEN m.code_source IS NOT NULL AND m.commune IS NOT NULL THEN m.commune
    WHEN m.code_source IS NOT NULL THEN '!S:' || c.code_insee
    WHEN regexp_full_match(coalesce(c.code_insee, ''), '(?:[0-9]{2}|2A|2B)[0-9]{3}') THEN '!U:' || c.code_insee
    ELSE '!M:' || coalesce(c.code_insee, '') END AS cle
FROM (SELECT DISTINCT code_insee FROM ban_partiel) c LEFT JOIN ban_code_map m ON m.code_source = c.code_insee`);
    const summary = (await duckdb.runAndReadAll(`
SELECT cle, grouping(deleguee)::INTEGER AS niveau, deleguee,
  sum(n)::BIGINT AS adresses,
  coalesce(sum(n) FILTER (WHERE certification_commune = '1'), 0)::BIGINT AS certifiees,
  sum(sans_position)::BIGINT AS sans_position,
  sum(sans_numero)::BIGINT AS sans_numero,
  list(DISTINCT code_postal) FILTER (WHERE code_postal IS NOT NULL) AS codes_postaux,
  list(DISTINCT code_insee) FILTER (WHERE code_insee IS NOT NULL) AS codes_source,
  coalesce(sum(n) FILTER (WHERE ${VALUE_CHECKS.certification_commune.sql}), 0)::BIGINT AS bad_certification_commune
FROM ${keyed} WHERE attributs = 1 ${levels}`)).getRowObjectsJS();
    const distinct = (await duckdb.runAndReadAll(`
SELECT cle, grouping(deleguee)::INTEGER AS niveau, deleguee, count(DISTINCT voie)::BIGINT AS voies, count(DISTINCT ld)::BIGINT AS lieux_dits
FROM ${keyed} WHERE attributs = 0 ${levels}`)).getRowObjectsJS();
    // One row per group, its three histograms packed in one string: one row per (group, value) took 1.8 s of the 6.7 s aggregation of 2.5 M rows, mostly turning rows into JS objects.
    const histograms = (await duckdb.runAndReadAll(`
WITH a AS (SELECT cle, deleguee, type_position, source_position, source_nom_voie, n FROM ${keyed} WHERE attributs = 1),
v AS (
  SELECT cle, deleguee, 'type' AS attribut, type_position AS val, n FROM a
  UNION ALL SELECT cle, deleguee, 'sourcePosition', source_position, n FROM a
  UNION ALL SELECT cle, deleguee, 'sourceVoie', source_nom_voie, n FROM a),
h AS (
  SELECT cle, grouping(deleguee)::INTEGER AS niveau, deleguee, attribut, coalesce(val, '') AS val, sum(n)::BIGINT AS n
  FROM v GROUP BY GROUPING SETS ((cle, attribut, val), (cle, deleguee, attribut, val)))
SELECT cle, niveau, deleguee, string_agg(concat_ws(chr(31), attribut, val, n), chr(30)) AS valeurs FROM h GROUP BY ALL`)).getRowObjectsJS();

    const key = (r: Record<string, unknown>) => `${r.niveau}|${r.cle}|${r.deleguee ?? '\u0000'}`;
    const checks: FormatChecks = { numero: 0, x: 0, y: 0, lon: 0, lat: 0, certification_commune: 0 };
    const groups = new Map<string, GroupRow>();
    for (const r of summary) {
      const niveau = Number(r.niveau) as 0 | 1;
      if (niveau === 1) {
        checks.certification_commune += Number(r.bad_certification_commune);
        checks.numero += Number(r.sans_numero);
      }
      groups.set(key(r), {
        cle: String(r.cle),
        niveau,
        deleguee: (r.deleguee as string | null) ?? null,
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
    const histogram = { type: 'parTypePosition', sourcePosition: 'parSourcePosition', sourceVoie: 'parSourceNomVoie' } as const;
    for (const r of histograms) {
      const g = groups.get(key(r));
      if (!g) continue;
      for (const entry of String(r.valeurs).split('\u001e')) {
        const parts = entry.split('\u001f');
        // Separators are ASCII control characters, which no BAN field holds; one that did would be caught here.
        if (parts.length !== 3) throw new SourceError(sourceId, scope.files.join(', '), `caractère de contrôle dans une valeur de type_position ou source_* (commune ${g.cle})`);
        const [attribut, val, n] = parts;
        g[histogram[attribut as keyof typeof histogram]][val] = Number(n);
      }
    }
    return { groups: [...groups.values()], checks };
  } finally {
    await duckdb.run('DROP TABLE IF EXISTS ban_partiel; DROP TABLE IF EXISTS ban_cles');
  }
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
