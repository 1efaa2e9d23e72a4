/**
 * The offline default referential: `@etalab/decoupage-administratif` (COG of
 * the package's year, with DGCL EPCI, La Poste postal codes and INSEE legal
 * populations joined on by its maintainers).
 */
import { createRequire } from 'node:module';
import type {
  CommuneEntry, CommuneType, DepartementEntry, EpciEntry, HistoryEvent, ReferentialData, RegionEntry,
} from '../../../src/domain/referential.js';

const require = createRequire(import.meta.url);

interface RawCommune {
  code: string; nom: string; type: CommuneType; departement: string; region: string; zone?: string;
  siren?: string; codesPostaux?: string[]; population?: number; chefLieu?: string; commune?: string; anciensCodes?: string[];
}
interface RawEpci { code: string; nom: string; type: string; populationMunicipale?: number; membres: { code: string }[] }

export function decoupageVersion(): string {
  return (require('@etalab/decoupage-administratif/package.json') as { version: string }).version;
}

/** Package major version → COG year, as in the package README (6.x = COG 2026). */
export function decoupageMillesime(version = decoupageVersion()): string {
  return String(2020 + Number(version.split('.')[0]));
}

function data<T>(name: string): T {
  return require(`@etalab/decoupage-administratif/data/${name}.json`) as T;
}

export function loadDecoupage(): ReferentialData {
  const raw = data<RawCommune[]>('communes');
  const epciRaw = data<RawEpci[]>('epci');
  const epciOf = new Map<string, string>();
  for (const e of epciRaw) for (const m of e.membres) epciOf.set(m.code, e.code);

  const communes: CommuneEntry[] = raw.map((c) => ({
    code: c.code,
    nom: c.nom,
    type: c.type,
    departement: c.departement,
    region: c.region,
    zone: c.zone,
    siren: c.siren,
    epci: c.type === 'commune-actuelle' ? epciOf.get(c.code) : undefined,
    codesPostaux: c.codesPostaux ?? [],
    population: c.population,
    parent: c.type === 'arrondissement-municipal' ? c.commune : c.type === 'commune-actuelle' ? undefined : c.chefLieu,
  }));
  const byCode = new Map(raw.filter((c) => c.type === 'commune-actuelle').map((c) => [c.code, c]));
  const names = new Map<string, string>();
  for (const c of raw) if (!names.has(c.code) || c.type !== 'commune-actuelle') names.set(c.code, c.nom);
  // The package says which codes a commune absorbed, not when: dates come from INSEE's change file.
  const history: HistoryEvent[] = [];
  for (const c of byCode.values()) {
    for (const old of c.anciensCodes ?? []) {
      history.push({ ancienCode: old, ancienNom: names.get(old) ?? old, nouveauCode: c.code, nouveauNom: c.nom });
    }
  }
  const epci: EpciEntry[] = epciRaw.map((e) => ({
    code: e.code, nom: e.nom, type: e.type, population: e.populationMunicipale, membres: e.membres.map((m) => m.code),
  }));
  const departements = data<DepartementEntry[]>('departements').map(({ code, nom, region, chefLieu, zone }) => ({ code, nom, region, chefLieu, zone }));
  const regions = data<RegionEntry[]>('regions').map(({ code, nom, chefLieu, zone }) => ({ code, nom, chefLieu, zone }));
  return { millesime: decoupageMillesime(), communes, history, epci, departements, regions };
}
