/**
 * National BAN-shaped file generator: the legacy "csv" layout (sources.md §1.2)
 * spread over the real communes of the COG in proportion to their population,
 * written the way `merge-france.sh` builds `adresses-france.csv.gz`: the header,
 * then one gzip member per département, concatenated. Values are synthetic but
 * shaped like real rows (ids, FANTOIR, parcels joined by `|`, communes déléguées,
 * empty fields), so that parsing and aggregation cost what they cost on the real file.
 * Streams: memory stays flat whatever the row count.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { CommuneEntry, Referential } from '../src/domain/referential.js';
import { BAN_HEADER } from '../src/contract/ban.js';
import { prng } from './prng.js';


const VOIE_TYPES = ['Rue', 'Chemin', 'Route', 'Impasse', 'Allée', 'Avenue', 'Place', 'Boulevard', 'Lotissement', 'Hameau'];
const VOIE_NAMES = ['de la Mairie', "de l'Église", 'du Moulin', 'des Écoles', 'de la Gare', 'du Stade', 'des Lilas', 'du Château',
  'de la Fontaine', 'Victor Hugo', 'Jean Jaurès', 'de la République', 'du Général de Gaulle', 'Pasteur', 'des Prés', 'du Bourg',
  'de Bessarotte', 'de la Douane', 'des Granges', 'du Malrif', 'des Vignes', 'de la Forêt', 'du Lavoir', 'des Tilleuls'];
const LIEUX_DITS = ['Le Bourg', 'Le Roux', 'Les Granges', 'La Combe', 'Le Village', 'Les Chaumes', 'Le Moulin', 'La Croix'];
const POSITIONS: [string, number][] = [['entrée', 0.93], ['bâtiment', 0.015], ['parcelle', 0.015], ['délivrance postale', 0.01], ['segment', 0.005], ['', 0.025]];
const SOURCES: [string, number][] = [['commune', 0.62], ['cadastre', 0.25], ['arcep', 0.05], ['laposte', 0.04], ['insee', 0.02], ['inconnue', 0.02]];

function pick(r: number, table: [string, number][]): string {
  let acc = 0;
  for (const [v, p] of table) if ((acc += p) > r) return v;
  return table[table.length - 1][0];
}

const afnor = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/['-]/g, ' ').toUpperCase().slice(0, 32);
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The units BAN writes in `code_insee`: current communes, arrondissements instead of Paris, Lyon, Marseille. */
export function banUnits(referential: Referential): CommuneEntry[] {
  const units: CommuneEntry[] = [];
  for (const c of referential.communesAndArrondissements()) {
    if (c.type === 'commune-actuelle' && referential.arrondissementsOf(c.code).length) continue;
    units.push(c);
  }
  return units.sort((a, b) => (a.departement === b.departement ? a.code.localeCompare(b.code) : depOrder(a.departement) - depOrder(b.departement)));
}

function depOrder(dep: string): number {
  if (dep === '2A') return 20.1;
  if (dep === '2B') return 20.2;
  return Number(dep);
}

/** Rows per unit, proportional to population (largest remainder), at least one per commune. */
export function allocate(units: CommuneEntry[], total: number): number[] {
  const floorRows = Math.min(units.length, total);
  const rest = total - floorRows;
  const pop = units.reduce((s, u) => s + (u.population ?? 0), 0);
  const shares = units.map((u) => (rest * (u.population ?? 0)) / pop);
  const counts = shares.map((s, i) => Math.floor(s) + (i < floorRows ? 1 : 0));
  let missing = total - counts.reduce((s, n) => s + n, 0);
  const order = shares.map((s, i) => [s - Math.floor(s), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; missing > 0; k = (k + 1) % order.length, missing--) counts[order[k][1]]++;
  return counts;
}

export interface GenerateResult { rows: number; members: number; bytes: number; perCommune: Map<string, number> }

export async function generateNationalBan(referential: Referential, options: { rows: number; out: string; seed?: number; level?: number; onProgress?: (rows: number) => void }): Promise<GenerateResult> {
  await mkdir(dirname(options.out), { recursive: true });
  const random = prng(options.seed ?? 20260101);
  const units = banUnits(referential);
  const counts = allocate(units, options.rows);
  const delegated = new Map<string, CommuneEntry[]>();
  for (const c of referential.data.communes) {
    if (c.type !== 'commune-deleguee' || !c.parent) continue;
    delegated.set(c.parent, [...(delegated.get(c.parent) ?? []), c]);
  }
  const file = createWriteStream(options.out);
  const perCommune = new Map<string, number>();
  let members = 0;
  let written = 0;

  async function member(lines: () => Iterable<string>): Promise<void> {
    const gz = createGzip({ level: options.level ?? 6 });
    gz.pipe(file, { end: false });
    for (const chunk of lines()) if (!gz.write(chunk)) await once(gz, 'drain');
    gz.end();
    await once(gz, 'end');
    members++;
  }

  await member(function* () { yield `${BAN_HEADER}\n`; });
  let start = 0;
  while (start < units.length) {
    const dep = units[start].departement;
    let end = start;
    while (end < units.length && units[end].departement === dep) end++;
    const slice = [start, end] as const;
    await member(function* () {
      let buffer: string[] = [];
      for (let u = slice[0]; u < slice[1]; u++) {
        const c = units[u];
        const n = counts[u];
        if (!n) continue;
        perCommune.set(c.code, n);
        const overseas = c.code.startsWith('97');
        // A pseudo-centroid per commune, in the legal projection and in WGS84.
        const cx = overseas ? 500_000 + random() * 200_000 : 150_000 + random() * 1_050_000;
        const cy = overseas ? 1_600_000 + random() * 400_000 : 6_150_000 + random() * 950_000;
        const clon = overseas ? -61.5 + random() : -4.5 + random() * 12;
        const clat = overseas ? 14.5 + random() : 42.5 + random() * 8.5;
        const deleguees = delegated.get(c.code) ?? [];
        const postaux = c.codesPostaux.length ? c.codesPostaux : [''];
        const acheminement = afnor(c.nom);
        const voies = Math.max(1, Math.round(n / 11));
        let numero = 0;
        let voie = -1;
        for (let i = 0; i < n; i++) {
          const v = Math.floor((i * voies) / n);
          if (v !== voie) { voie = v; numero = 0; }
          numero += 1 + Math.floor(random() * 3);
          const voieCode = (1000 + v).toString(36).padStart(4, '0').slice(-4);
          const typeVoie = VOIE_TYPES[v % VOIE_TYPES.length];
          const nomVoie = `${typeVoie} ${VOIE_NAMES[(v * 7) % VOIE_NAMES.length]}${v >= VOIE_NAMES.length ? ` ${Math.floor(v / VOIE_NAMES.length)}` : ''}`;
          const fantoir = v % 5 === 4 ? '' : `${c.code}_${voieCode.toUpperCase()}`;
          const rep = random() < 0.03 ? 'bis' : '';
          const id = `${c.code}_${voieCode}_${String(numero).padStart(5, '0')}${rep ? `_${rep}` : ''}`;
          const d = deleguees.length ? deleguees[v % deleguees.length] : undefined;
          const dx = (random() - 0.5) * 4000;
          const dy = (random() - 0.5) * 4000;
          const ld = random() < 0.45 ? LIEUX_DITS[v % LIEUX_DITS.length] : '';
          const section = BASE36[10 + (v % 26)].toUpperCase() + BASE36[10 + ((v >> 3) % 26)].toUpperCase();
          const parcel = () => `${c.code}000${section}${String(1 + Math.floor(random() * 2000)).padStart(4, '0')}`;
          const r = random();
          const parcelles = r < 0.05 ? '' : r < 0.25 ? `${parcel()}|${parcel()}|${parcel()}` : parcel();
          const source = pick(random(), SOURCES);
          buffer.push([
            id, fantoir, numero, rep, nomVoie, postaux[v % postaux.length], c.code, c.nom, d?.code ?? '', d?.nom ?? '',
            (cx + dx).toFixed(2), (cy + dy).toFixed(2), (clon + dx / 80_000).toFixed(6), (clat + dy / 111_000).toFixed(6),
            pick(random(), POSITIONS), '', ld, acheminement, afnor(nomVoie), source, source === 'cadastre' ? 'cadastre' : 'commune',
            random() < 0.6 ? '1' : '0', parcelles,
          ].join(';'));
          if (buffer.length === 4096) {
            written += buffer.length;
            options.onProgress?.(written);
            yield buffer.join('\n') + '\n';
            buffer = [];
          }
        }
      }
      if (buffer.length) {
        written += buffer.length;
        yield buffer.join('\n') + '\n';
      }
    });
    start = end;
  }
  file.end();
  await once(file, 'finish');
  return { rows: written, members, bytes: file.bytesWritten, perCommune };
}
