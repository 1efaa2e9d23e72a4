/**
 * A national-size OFGL budget file in the real layout (header, column order, BOM, dot decimals, amounts in cents and
 * € per inhabitant at full precision, as the real file writes them): the 50 agrégats
 * of the real Cazères excerpt (2023) for every commune of the COG, amounts scaled to the commune's population,
 * exercice after exercice until `rows` lines are written. Streamed to disk; deterministic (prng).
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { Referential } from '../src/domain/referential.js';
import { prng } from './prng.js';

const SAMPLE = new URL('../samples/budget-ofgl/ofgl-base-communes-consolidee-31135-excerpt.csv', import.meta.url);

export async function generateNationalBudget(referential: Referential, options: { rows: number; out: string; firstYear?: number }) {
  const [header, ...lines] = readFileSync(SAMPLE, 'utf8').replace(/^\uFEFF/, '').trim().split('\n');
  const templates = lines.map((l) => l.split(';')).filter((f) => f[0] === '2023');
  const communes = [...referential.communesAndArrondissements()].filter((c) => c.type === 'commune-actuelle');
  const random = prng(15);
  const out = createWriteStream(options.out);
  out.write(`\uFEFF${header}\n`);
  let written = 0;
  let buffer = '';
  const perCommune = new Map<string, number>();
  for (let year = options.firstYear ?? 2016; written < options.rows; year++) {
    for (const c of communes) {
      const population = c.population ?? 100;
      const scale = (population / 4871) * (0.6 + random() * 0.8);
      for (const t of templates) {
        if (written === options.rows) break;
        // Amounts in cents, as OFGL writes them; the BA share is their difference in floating point, so that some
        // carry the producer's float noise (`71139.5999999999` in the real excerpt).
        const montant = Math.round(Number(t[24]) * scale * 100) / 100;
        const bp = Math.round(montant * 90) / 100;
        const f = [...t];
        f[0] = String(year); f[2] = c.region; f[4] = c.departement; f[6] = c.epci ?? ''; f[14] = c.code; f[15] = c.nom;
        f[17] = c.siren ?? ''; f[18] = c.code; f[19] = c.nom.toUpperCase();
        f[21] = String(bp); f[22] = String(montant - bp); f[23] = '0.0'; f[24] = String(montant); f[25] = String(montant / 1e6);
        // OFGL leaves € per inhabitant empty where the population is 0 (a division by it is no number).
        f[26] = String(population); f[27] = population ? String(montant / population) : ''; f[39] = String(year); f[40] = String(population);
        buffer += `${f.join(';')}\n`;
        written++;
        perCommune.set(c.code, (perCommune.get(c.code) ?? 0) + 1);
        if (buffer.length > 1 << 20) {
          if (!out.write(buffer)) await once(out, 'drain');
          buffer = '';
        }
      }
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return { rows: written, communes: perCommune.size, perCommune };
}
