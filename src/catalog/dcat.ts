/**
 * DCAT-AP (2.x/3) catalogue in JSON-LD, with the properties DCAT-AP-FR adds or
 * makes expected (identifier, contact point, access rights, provenance,
 * frequency, landing page), so that udata, CKAN (ckanext-dcat) and
 * Opendatasoft can harvest every commune's datasets. Each dataset is one
 * source projected on one commune: its `dct:spatial` is the commune (INSEE COG
 * URI, name, and the bbox as geometry when the contours are loaded), its
 * distributions are our download URLs, its provenance the producer's files.
 */
import type { CommuneEntry } from '../domain/referential.js';
import type { ServingRelease } from '../releases/serving-release.js';
import type { SourceDefinition } from '../contract/registry.js';
import type { LoadedDataset } from '../pack/content.js';
import { releaseDate } from '../pack/plan.js';

export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  dcatap: 'http://data.europa.eu/r5r/',
  adms: 'http://www.w3.org/ns/adms#',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  prov: 'http://www.w3.org/ns/prov#',
  locn: 'http://www.w3.org/ns/locn#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  owl: 'http://www.w3.org/2002/07/owl#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  gsp: 'http://www.opengis.net/ont/geosparql#',
} as const;

const EU = 'http://publications.europa.eu/resource/authority';
const THEMES: Record<string, string> = {
  Statistiques: 'SOCI',
  'Données géographiques': 'REGI',
  Élections: 'GOVE',
  Adresses: 'REGI',
};

/** Per commune, what the catalogue needs of its data: which datasets it has, with geometry or not, and its bbox. */
export interface CommuneAvailability {
  datasets: Map<string, { hasFeatures: boolean }>;
  bbox?: [number, number, number, number];
}

const id = (iri: string) => ({ '@id': iri });
const fr = (text: string) => ({ '@language': 'fr', '@value': text });
const dateTime = (iso: string) => ({ '@type': 'xsd:dateTime', '@value': iso });
const date = (iso: string) => ({ '@type': 'xsd:date', '@value': iso });

export function communeUri(code: string): string {
  return `http://id.insee.fr/geo/commune/${code}`;
}

function spatial(commune: CommuneEntry, bbox?: [number, number, number, number]) {
  const [w, s, e, n] = bbox ?? [];
  const wkt = bbox ? `POLYGON((${w} ${s},${e} ${s},${e} ${n},${w} ${n},${w} ${s}))` : undefined;
  return {
    '@id': communeUri(commune.code),
    '@type': 'dct:Location',
    'skos:prefLabel': fr(commune.nom),
    'dct:identifier': commune.code,
    'rdfs:label': `${commune.nom} (${commune.code})`,
    ...(wkt ? {
      'dcat:bbox': { '@type': 'gsp:wktLiteral', '@value': wkt },
      'locn:geometry': { '@type': 'gsp:wktLiteral', '@value': wkt },
    } : {}),
  };
}

function licence(def: SourceDefinition) {
  return { '@id': def.licence.url, '@type': 'dct:LicenseDocument', 'dct:title': def.licence.nom, 'dct:identifier': def.licence.id };
}

function temporal(millesime: string) {
  const year = /^(?:RP)?(\d{4})$/.exec(millesime)?.[1];
  return year ? { '@type': 'dct:PeriodOfTime', 'dcat:startDate': date(`${year}-01-01`), 'dcat:endDate': date(`${year}-12-31`) } : undefined;
}

function distribution(url: string, title: string, format: 'CSV' | 'JSON' | 'GEOJSON' | 'ZIP', def: SourceDefinition | undefined, modified: string) {
  const media = { CSV: 'text/csv', JSON: 'application/json', GEOJSON: 'application/geo+json', ZIP: 'application/zip' }[format];
  return {
    '@id': url,
    '@type': 'dcat:Distribution',
    'dct:title': fr(title),
    'dcat:accessURL': id(url),
    'dcat:downloadURL': id(url),
    'dct:format': id(`${EU}/file-type/${format}`),
    'dcat:mediaType': id(`https://www.iana.org/assignments/media-types/${media}`),
    ...(def ? { 'dct:license': licence(def), 'dct:rights': fr(`${def.licence.nom} — ${def.licence.url}`) } : {}),
    'dct:modified': dateTime(modified),
    'dcatap:availability': id('http://data.europa.eu/r5r/availability/stable'),
  };
}

export function datasetNode(base: string, commune: CommuneEntry, ds: LoadedDataset, hasFeatures: boolean, bbox?: [number, number, number, number]) {
  const { def, load } = ds;
  const path = `${base}/commune/${commune.code}/datasets/${def.id}`;
  const files = load.provenance.files;
  const period = temporal(load.millesime);
  return {
    '@id': `${path}#dataset`,
    '@type': 'dcat:Dataset',
    'dct:identifier': `${commune.code}/${def.id}`,
    'adms:identifier': { '@type': 'adms:Identifier', 'skos:notation': `${commune.code}/${def.id}` },
    'dct:title': fr(`${def.titre} — ${commune.nom} (${commune.code})`),
    'dct:description': fr(`${def.description.trim()}\n\nExtrait pour la commune de ${commune.nom} (code INSEE ${commune.code}) du jeu national « ${def.titre} » (${def.producteur}, millésime ${load.millesime}).`),
    'dcat:keyword': [fr(commune.nom), fr(commune.code), fr(def.id), ...(def.theme ? [fr(def.theme)] : []), fr(def.finalite)],
    'dcat:theme': [id(`${EU}/data-theme/${THEMES[def.theme ?? ''] ?? 'REGI'}`)],
    'dct:spatial': spatial(commune, bbox),
    ...(period ? { 'dct:temporal': period } : {}),
    'owl:versionInfo': load.millesime,
    'dct:issued': dateTime(load.createdAt),
    'dct:modified': dateTime(load.createdAt),
    'dct:language': id(`${EU}/language/FRA`),
    'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': def.producteur },
    'dct:creator': { '@type': 'foaf:Agent', 'foaf:name': def.producteur },
    'dcat:contactPoint': { '@type': 'vcard:Organization', 'vcard:fn': def.producteur, 'vcard:hasURL': id(def.pageProducteur) },
    'dct:accessRights': id(`${EU}/access-right/PUBLIC`),
    'dct:accrualPeriodicity': id(`${EU}/frequency/IRREG`),
    'dct:license': licence(def),
    'dcat:landingPage': id(`${base}/commune/${commune.code}/dotation`),
    'foaf:page': id(def.pageProducteur),
    'dct:source': [id(def.pageProducteur), ...def.urls.map(id)],
    'prov:wasDerivedFrom': [...def.urls, ...files.map((f) => f.url).filter((u): u is string => Boolean(u) && !def.urls.includes(u!))].map(id),
    'dct:provenance': {
      '@type': 'dct:ProvenanceStatement',
      'rdfs:label': fr(`Projeté par Dotation sur la commune ${commune.code} depuis ${files.map((f) => `${f.path.split('/').pop()} (sha256 ${f.sha256}, récupéré le ${f.retrievedAt})`).join(', ') || 'les fichiers du producteur'} ; chargement n° ${ds.loadId} du ${load.createdAt}.`),
    },
    'dcat:distribution': [
      distribution(`${path}.csv`, `${def.titre} — ${commune.nom} (CSV)`, 'CSV', def, load.createdAt),
      distribution(path, `${def.titre} — ${commune.nom} (JSON)`, 'JSON', def, load.createdAt),
      ...(hasFeatures ? [distribution(`${path}.geojson`, `${def.titre} — ${commune.nom} (GeoJSON)`, 'GEOJSON', def, load.createdAt)] : []),
    ],
  };
}

/** The whole pack as one dataset: the ZIP distribution, with the per-source datasets as its parts. */
function packNode(base: string, commune: CommuneEntry, release: ServingRelease, parts: string[], bbox?: [number, number, number, number]) {
  const url = `${base}/commune/${commune.code}/dotation.zip`;
  return {
    '@id': `${base}/commune/${commune.code}/dotation#dataset`,
    '@type': 'dcat:Dataset',
    'dct:identifier': `${commune.code}/dotation`,
    'dct:title': fr(`Dotation de données nationales — ${commune.nom} (${commune.code})`),
    'dct:description': fr(`Tous les jeux de données nationaux projetés sur ${commune.nom} en un dossier prêt à publier : CSV (et GeoJSON), README.md, licences et datapackage.json (Frictionless Data Package).`),
    'dcat:keyword': [fr(commune.nom), fr(commune.code), fr('dotation')],
    'dcat:theme': [id(`${EU}/data-theme/REGI`)],
    'dct:spatial': spatial(commune, bbox),
    'dct:modified': dateTime(releaseDate(release)),
    'dct:language': id(`${EU}/language/FRA`),
    'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': 'Dotation' },
    'dcat:contactPoint': { '@type': 'vcard:Organization', 'vcard:fn': 'Dotation', 'vcard:hasURL': id(base) },
    'dct:accessRights': id(`${EU}/access-right/PUBLIC`),
    'dcat:landingPage': id(`${base}/commune/${commune.code}/dotation`),
    'owl:versionInfo': release.id,
    'dct:hasPart': parts.map(id),
    'dcat:distribution': [distribution(url, `Dotation de ${commune.nom} (ZIP)`, 'ZIP', undefined, releaseDate(release))],
  };
}

export function communeDatasetNodes(base: string, commune: CommuneEntry, release: ServingRelease, loaded: LoadedDataset[], availability: CommuneAvailability) {
  const nodes = loaded
    .filter((ds) => availability.datasets.has(ds.def.id))
    .map((ds) => datasetNode(base, commune, ds, availability.datasets.get(ds.def.id)!.hasFeatures, availability.bbox));
  return [packNode(base, commune, release, nodes.map((n) => n['@id']), availability.bbox), ...nodes];
}

export function catalogNode(base: string, self: string, title: string, description: string, release: ServingRelease, datasets: unknown[], spatialOf?: CommuneEntry) {
  return {
    '@context': DCAT_CONTEXT,
    '@id': self,
    '@type': 'dcat:Catalog',
    'dct:title': fr(title),
    'dct:description': fr(description),
    'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': 'Dotation' },
    'dct:language': id(`${EU}/language/FRA`),
    'dct:license': { '@id': 'https://www.etalab.gouv.fr/licence-ouverte-open-licence', '@type': 'dct:LicenseDocument', 'dct:title': 'Licence Ouverte 2.0 (métadonnées)' },
    'dct:modified': dateTime(releaseDate(release)),
    'foaf:homepage': id(`${base}/docs`),
    'owl:versionInfo': release.id,
    ...(spatialOf ? { 'dct:spatial': { '@id': communeUri(spatialOf.code) } } : {}),
    'dcat:dataset': datasets,
  };
}
