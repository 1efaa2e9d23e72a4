/**
 * The contour files this source accepts, and their commune-code and name
 * fields: Etalab GeoJSON (`code`, `nom`, `commune` on arrondissements), IGN
 * ADMIN EXPRESS shapefiles (`COMMUNE.shp`: `INSEE_COM`, `NOM`;
 * `ARRONDISSEMENT_MUNICIPAL.shp`: `INSEE_ARM`) and GeoPackage (layers
 * `commune`, `arrondissement_municipal`: `code_insee`, `nom_officiel`).
 */
import { SourceError } from '../framework/errors.js';
import { type FeatureSource, findField, openFeatureSources } from '../framework/geo/feature-source.js';

export const CODE_FIELDS = ['code', 'code_insee', 'INSEE_COM', 'INSEE_ARM'];
export const NAME_FIELDS = ['nom', 'nom_officiel', 'NOM', 'NOM_COM', 'nom_commune'];

export interface ContourInput {
  source: FeatureSource;
  codeField: string;
  nameField?: string;
}

export async function openContourInputs(sourceId: string, files: string[], workDir: string): Promise<ContourInput[]> {
  const sources = await openFeatureSources(files, workDir, {
    shp: /^(COMMUNE|ARRONDISSEMENT_MUNICIPAL)\.shp$/i,
    gpkgLayers: ['commune', 'arrondissement_municipal'],
  });
  if (!sources.length) {
    throw new SourceError(sourceId, files.join(', '), 'aucun contour de commune trouvé (GeoJSON, COMMUNE.shp, ou couche « commune » d\'un GeoPackage attendus)');
  }
  const inputs: ContourInput[] = [];
  for (const source of sources) {
    const fields = await source.fields();
    const codeField = findField(fields, CODE_FIELDS);
    if (!codeField) {
      throw new SourceError(sourceId, source.label, `champ du code commune absent: attendu l'un de ${CODE_FIELDS.join(', ')}; trouvés: ${fields.join(', ') || '(aucun)'}`, 1);
    }
    inputs.push({ source, codeField, nameField: findField(fields, NAME_FIELDS) });
  }
  return inputs;
}
