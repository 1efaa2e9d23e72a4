/**
 * The ANCT QPV 2024 delivery: a zip holding the national WGS84 GeoJSON
 * `QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson` next to per-territory,
 * Lambert-93, shapefile and GeoPackage variants. Only one national layer is
 * read, so that no QPV is counted twice.
 */
import { SourceError } from '../framework/errors.js';
import { type FeatureSource, findField, openFeatureSources } from '../framework/geo/feature-source.js';

export const REQUIRED = ['code_qp', 'lib_qp'];

export function chooseQpvSources(sources: FeatureSource[]): FeatureSource[] {
  const name = (s: FeatureSource) => s.label.split(/[!/\\]/).pop() ?? s.label;
  const tiers: ((s: FeatureSource) => boolean)[] = [
    (s) => s.format === 'geojson' && /France_Hexagonale_Outre_Mer.*WGS84/i.test(name(s)),
    (s) => s.format === 'gpkg' && /France_Hexagonale_Outre_Mer.*WGS84/i.test(name(s)),
    (s) => s.format === 'geojson' && /WGS84/i.test(name(s)),
    (s) => s.format === 'geojson' && !/LB93|L93|LAMB/i.test(name(s)),
  ];
  for (const tier of tiers) {
    const chosen = sources.filter(tier);
    if (chosen.length) return chosen;
  }
  return sources;
}

export interface QpvInput {
  source: FeatureSource;
  code: string;
  nom: string;
  insee?: string;
}

export async function openQpvInputs(sourceId: string, files: string[], workDir: string): Promise<{ inputs: QpvInput[]; ignored: string[] }> {
  const all = await openFeatureSources(files, workDir, { shp: /^$/ });
  const chosen = chooseQpvSources(all);
  if (!chosen.length) throw new SourceError(sourceId, files.join(', '), 'aucune couche de QPV trouvée (GeoJSON ou GeoPackage attendu)');
  const inputs: QpvInput[] = [];
  for (const source of chosen) {
    const fields = await source.fields();
    for (const f of REQUIRED) {
      if (!fields.includes(f)) throw new SourceError(sourceId, source.label, `propriété « ${f} » absente; trouvées: ${fields.join(', ') || '(aucune)'}`, 1, f);
    }
    inputs.push({ source, code: 'code_qp', nom: 'lib_qp', insee: findField(fields, ['insee_com', 'code_insee']) });
  }
  return { inputs, ignored: all.filter((s) => !chosen.includes(s)).map((s) => s.label) };
}
