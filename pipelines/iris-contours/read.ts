/**
 * CONTOURS-IRIS as IGN delivers it: shapefiles `CONTOURS-IRIS.shp` (upper-case
 * fields INSEE_COM, NOM_COM, IRIS, CODE_IRIS, NOM_IRIS, TYP_IRIS), one per
 * territory in its own CRS, or GeoPackage layer `contours_iris` (lower-case
 * code_insee, nom_commune, iris, code_iris, nom_iris, type_iris), usually
 * inside .7z archives.
 */
import { SourceError } from '../framework/errors.js';
import { type FeatureSource, findField, openFeatureSources } from '../framework/geo/feature-source.js';

export const FIELD_NAMES = {
  code: ['CODE_IRIS', 'code_iris'],
  nom: ['NOM_IRIS', 'nom_iris'],
  type: ['TYP_IRIS', 'type_iris'],
  commune: ['INSEE_COM', 'code_insee'],
} as const;

export interface IrisInput {
  source: FeatureSource;
  code: string;
  nom: string;
  type: string;
  commune?: string;
}

export async function openIrisInputs(sourceId: string, files: string[], workDir: string): Promise<IrisInput[]> {
  const sources = await openFeatureSources(files, workDir, {
    shp: /^(CONTOURS-IRIS|IRIS_GE)\.shp$/i,
    gpkgLayers: ['contours_iris', 'iris_ge'],
  });
  if (!sources.length) {
    throw new SourceError(sourceId, files.join(', '), 'aucun contour d\'IRIS trouvé (CONTOURS-IRIS.shp ou couche « contours_iris » attendus)');
  }
  return Promise.all(sources.map(async (source) => {
    const fields = await source.fields();
    const need = (key: 'code' | 'nom' | 'type') => {
      const f = findField(fields, [...FIELD_NAMES[key]]);
      if (!f) {
        throw new SourceError(sourceId, source.label, `champ ${FIELD_NAMES[key].join(' / ')} absent; champs trouvés: ${fields.join(', ') || '(aucun)'}`, 1, FIELD_NAMES[key][0]);
      }
      return f;
    };
    return { source, code: need('code'), nom: need('nom'), type: need('type'), commune: findField(fields, [...FIELD_NAMES.commune]) };
  }));
}
