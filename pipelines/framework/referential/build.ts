/**
 * The `cog` source builds the referential every other source is projected
 * onto. Default: `@etalab/decoupage-administratif` (COG, EPCI, postal codes,
 * populations) with the dates of code changes taken from INSEE's change file.
 * With `--input cog=v_commune_<année>.csv` the commune list is INSEE's own,
 * enriched by code with what INSEE's file does not carry.
 */
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CommuneEntry, HistoryEvent, ReferentialData } from '../../../src/domain/referential.js';
import { readHeader } from '../csv-header.js';
import { SourceError } from '../errors.js';
import { loadDecoupage } from './decoupage.js';
import { inseeFileKind, readInseeCommunes, readInseeMouvements } from './insee.js';

export async function buildReferentialData(files: string[], duckdb: DuckDBConnection): Promise<ReferentialData> {
  const decoupage = loadDecoupage();
  let communes: CommuneEntry[] | undefined;
  let millesime = decoupage.millesime;
  const dated: HistoryEvent[] = [];
  for (const file of files) {
    const kind = inseeFileKind(await readHeader(file, ','));
    if (kind === 'communes') {
      communes = await readInseeCommunes(duckdb, file);
      millesime = /(\d{4})/.exec(basename(file))?.[1] ?? millesime;
    } else if (kind === 'mouvements') {
      dated.push(...(await readInseeMouvements(duckdb, file)));
    } else {
      throw new SourceError('cog', file, 'fichier non reconnu: ni v_commune (TYPECOM,COM,…) ni v_mvt_commune (MOD,DATE_EFF,…)', 1);
    }
  }
  return {
    ...decoupage,
    millesime,
    communes: communes ? enrich(communes, decoupage.communes) : decoupage.communes,
    history: mergeHistory(dated, decoupage.history),
    epci: communes ? restrictEpci(decoupage.epci, communes) : decoupage.epci,
  };
}

/** INSEE's list has no postal codes, population, SIREN or EPCI: take them from the package by (code, type). */
function enrich(communes: CommuneEntry[], known: CommuneEntry[]): CommuneEntry[] {
  const byKey = new Map(known.map((c) => [`${c.type}:${c.code}`, c]));
  return communes.map((c) => {
    const k = byKey.get(`${c.type}:${c.code}`);
    return k ? { ...c, codesPostaux: k.codesPostaux, population: k.population, siren: k.siren, epci: k.epci, zone: k.zone } : c;
  });
}

function restrictEpci(epci: ReferentialData['epci'], communes: CommuneEntry[]): ReferentialData['epci'] {
  const current = new Set(communes.filter((c) => c.type === 'commune-actuelle').map((c) => c.code));
  return epci.map((e) => ({ ...e, membres: e.membres.filter((m) => current.has(m)) })).filter((e) => e.membres.length > 0);
}

/** Dated INSEE events first; the package's undated former codes fill what INSEE's edition predates. */
function mergeHistory(dated: HistoryEvent[], undated: HistoryEvent[]): HistoryEvent[] {
  const seen = new Set(dated.map((e) => `${e.ancienCode}>${e.nouveauCode}`));
  return [...dated, ...undated.filter((e) => !seen.has(`${e.ancienCode}>${e.nouveauCode}`))];
}
