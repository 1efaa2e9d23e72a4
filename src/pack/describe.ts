/**
 * The pack's two descriptions of itself: `datapackage.json` (Frictionless
 * Data Package v1, a Table Schema per CSV resource) for machines, and a
 * French `README.md` for the people who publish it.
 */
import type { SourceDefinition } from '../contract/registry.js';
import type { FieldSchema } from '../contract/dataset.js';
import { LICENCE_FILES, type LicenceId } from './licences.js';
import type { PackDataset, PackFile, PackPlan } from './plan.js';

export const MISSING_VALUES = [''];

const KIND_LABEL: Record<PackPlan['kind'], string> = {
  commune: 'la commune', epci: "l'EPCI", departement: 'le département', region: 'la région',
};

const FINALITE_LABEL: Record<SourceDefinition['finalite'], string> = {
  Transparence: 'Transparence : rendre compte de l\'action publique',
  Service: 'Service : alimenter un service (cartographie, adresses, référentiel)',
  Consultation: 'Consultation : éclairer la connaissance du territoire',
};

function tableSchema(fields: FieldSchema[]) {
  return {
    fields: fields.map((f) => ({
      name: f.name,
      type: f.type,
      ...(f.type === 'date' ? { format: 'default' } : {}),
      ...(f.description ? { description: f.description } : {}),
      // Table Schema has no unit property: `unit` is an extension (allowed on field descriptors).
      ...(f.unit ? { unit: f.unit } : {}),
      ...(f.aggregation ? { aggregation: f.aggregation } : {}),
      ...(f.ratioOf ? { ratioOf: f.ratioOf } : {}),
      ...(f.categories ? { categories: f.categories } : {}),
    })),
    missingValues: MISSING_VALUES,
  };
}

function licenceOf(def: SourceDefinition) {
  return { name: def.licence.id, path: def.licence.url, title: def.licence.nom };
}

function provenanceOf(ds: PackDataset) {
  return ds.load.provenance.files.map((f) => ({ url: f.url ?? null, fichier: f.path.split('/').pop(), sha256: f.sha256, octets: f.bytes, recupereLe: f.retrievedAt }));
}

function resourceOf(file: PackFile, ds?: PackDataset) {
  const common = {
    name: file.name,
    path: file.path,
    title: file.title,
    ...(file.description ? { description: file.description } : {}),
    ...(ds ? {
      sources: [{ title: ds.def.producteur, path: ds.def.pageProducteur }, ...ds.def.urls.map((u) => ({ title: `Fichier du producteur (${ds.def.producteur})`, path: u }))],
      licenses: [licenceOf(ds.def)],
      // Extensions: what the README also states, for a machine.
      producteur: ds.def.producteur,
      millesime: ds.load.millesime,
      finalite: ds.def.finalite,
      chargement: ds.loadId,
      chargeLe: ds.load.createdAt,
      fichiersSource: provenanceOf(ds),
    } : {}),
  };
  if (file.format === 'geojson') {
    return { profile: 'data-resource', ...common, format: 'geojson', mediatype: 'application/geo+json', encoding: 'utf-8' };
  }
  return {
    profile: 'tabular-data-resource', ...common, format: 'csv', mediatype: 'text/csv', encoding: 'utf-8',
    dialect: { delimiter: file.delimiter ?? ',', lineTerminator: '\n', quoteChar: '"', doubleQuote: true, header: true },
    schema: tableSchema(file.fields ?? []),
  };
}

export function licencesOf(plan: PackPlan): { id: LicenceId; def: SourceDefinition['licence'] }[] {
  const seen = new Map<LicenceId, SourceDefinition['licence']>();
  for (const ds of plan.datasets) if (!seen.has(ds.def.licence.id)) seen.set(ds.def.licence.id, ds.def.licence);
  // The COG (commune identity) is under the Licence Ouverte: always there.
  if (!seen.has('etalab-2.0')) seen.set('etalab-2.0', { id: 'etalab-2.0', nom: 'Licence Ouverte 2.0', url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence' });
  return [...seen].sort(([a], [b]) => a.localeCompare(b)).map(([id, def]) => ({ id, def }));
}

export function dataPackage(plan: PackPlan) {
  const name = `dotation-${plan.kind}-${plan.code.toLowerCase()}`;
  return {
    profile: 'data-package',
    name,
    id: `urn:dotation:${plan.kind}:${plan.code}:release:${plan.release.id}`,
    title: `Dotation de données nationales — ${plan.nom} (${plan.code})`,
    description: `Jeux de données nationaux projetés sur ${KIND_LABEL[plan.kind]} ${plan.nom} (${plan.code}), release ${plan.release.id}. Voir README.md.`,
    version: plan.release.id,
    created: plan.release.date,
    keywords: ['dotation', 'données nationales', plan.kind, plan.nom, plan.code],
    contributors: [{ title: 'Dotation', role: 'publisher' }],
    licenses: licencesOf(plan).map(({ def }) => ({ name: def.id, path: def.url, title: def.nom })),
    sources: [...new Map(plan.datasets.map((ds) => [ds.def.pageProducteur, { title: ds.def.producteur, path: ds.def.pageProducteur }])).values()],
    resources: [
      resourceOf(plan.identity),
      ...(plan.extra ?? []).map((f) => resourceOf(f)),
      ...plan.datasets.flatMap((ds) => ds.files.map((f) => resourceOf(f, ds))),
    ],
  };
}

const frDate = (iso: string) => iso.slice(0, 10);
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function fieldsTable(fields: FieldSchema[]): string[] {
  return [
    '| colonne | type | unité | description |',
    '|---|---|---|---|',
    ...fields.map((f) => `| \`${f.name}\` | ${f.type} | ${f.unit ? cell(f.unit) : ''} | ${cell(f.description ?? '')} |`),
  ];
}

function fileSection(file: PackFile): string[] {
  return [
    `#### \`${file.path}\``,
    '',
    ...(file.description ? [file.description, ''] : []),
    ...(file.format === 'csv' && file.fields ? [
      `CSV UTF-8, séparateur ${file.delimiter === ';' ? 'point-virgule (celui du producteur, comme l\'API)' : 'virgule'}, une ligne d'en-tête ; une cellule vide = valeur absente (secret statistique, non renseigné).`,
      '',
      ...fieldsTable(file.fields),
      '',
    ] : file.format === 'geojson' ? ['GeoJSON (RFC 7946), coordonnées WGS84 (EPSG:4326).', ''] : []),
  ];
}

function datasetSection(ds: PackDataset): string[] {
  const { def, load } = ds;
  const files = load.provenance.files;
  return [
    `### ${def.titre}`,
    '',
    def.description,
    '',
    `- **Identifiant** : \`${def.id}\``,
    `- **Producteur** : ${def.producteur}`,
    `- **Licence** : ${def.licence.nom} — ${def.licence.url} (texte : \`${LICENCE_FILES[def.licence.id]}\`)`,
    `- **Millésime** : ${load.millesime}`,
    `- **Finalité** : ${FINALITE_LABEL[def.finalite]}`,
    `- **Page du producteur** : ${def.pageProducteur}`,
    `- **URL des fichiers source** : ${def.urls.join(' ; ')}`,
    `- **Chargé le** : ${load.createdAt} (chargement n° ${ds.loadId})`,
    '- **Fichiers source lus** :',
    ...(files.length ? files.map((f) => `  - \`${f.path.split('/').pop()}\`${f.url ? ` (${f.url})` : ''} — récupéré le ${f.retrievedAt}, ${f.bytes} octets, sha256 \`${f.sha256}\``) : ['  - (non enregistrés)']),
    '',
    ...ds.files.flatMap(fileSection),
  ];
}

/**
 * ODbL datasets named with their attribution: whoever republishes them must
 * keep the licence and share a derived database under the same terms.
 */
function shareAlike(plan: PackPlan): string[] {
  const odbl = plan.datasets.filter((ds) => ds.def.licence.id === 'odbl-1.0');
  if (!odbl.length) return [];
  return [
    'Jeux sous licence ODbL (Open Database License) : les republier, c\'est garder la licence, citer l\'attribution ci-dessous et partager à l\'identique toute base de données qui en dérive.',
    '',
    ...odbl.map((ds) => `- ${ds.def.titre} (\`${ds.def.id}\`) : ${ds.def.attribution ?? ds.def.producteur}`),
    '',
  ];
}

export function readme(plan: PackPlan): string {
  const licences = licencesOf(plan);
  const lines = [
    `# Dotation de données nationales — ${plan.nom} (${plan.code})`,
    '',
    `Ce dossier rassemble les jeux de données nationaux qui concernent ${KIND_LABEL[plan.kind]} ${plan.nom} (code ${plan.code}), tels que publiés dans la release \`${plan.release.id}\` du ${frDate(plan.release.date)}. Il est prêt à être publié sur un portail de données : chaque fichier est décrit ci-dessous (producteur, licence, millésime, provenance, somme de contrôle du fichier source, finalité), et \`datapackage.json\` en donne la description normalisée (Frictionless Data Package, avec un Table Schema par fichier CSV).`,
    '',
    '## Réutilisation',
    '',
    'Chaque jeu reste sous la licence de son producteur. En le republiant, citez le producteur et la date de mise à jour (le millésime et la date de chargement ci-dessous). Textes des licences :',
    '',
    ...licences.map(({ id, def }) => `- ${def.nom} : \`${LICENCE_FILES[id]}\` (${def.url})`),
    '',
    ...shareAlike(plan),
    '## Contenu',
    '',
    `- \`README.md\` : ce fichier`,
    `- \`datapackage.json\` : description Frictionless Data Package`,
    ...licences.map(({ id }) => `- \`${LICENCE_FILES[id]}\` : texte de la licence`),
    `- \`${plan.identity.path}\` : ${plan.identity.title}`,
    ...(plan.extra ?? []).map((f) => `- \`${f.path}\` : ${f.title}`),
    ...plan.datasets.flatMap((ds) => ds.files.map((f) => `- \`${f.path}\` : ${f.title}`)),
    '',
    ...(plan.notes?.length ? ['## Méthode', '', ...plan.notes.flatMap((n) => [n, ''])] : []),
    '## Fichiers',
    '',
    '### Identité',
    '',
    'Producteur : INSEE (Code officiel géographique), DGCL (EPCI), La Poste (codes postaux) ; Licence Ouverte 2.0.',
    '',
    ...fileSection(plan.identity),
    ...(plan.extra ?? []).flatMap(fileSection),
    ...plan.datasets.flatMap(datasetSection),
    ...(plan.absent.length ? [
      '## Jeux absents de ce dossier',
      '',
      ...plan.absent.map(({ def, raison }) => `- ${def.titre} (\`${def.id}\`, ${def.producteur}) : ${raison}.`),
      '',
    ] : []),
  ];
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
