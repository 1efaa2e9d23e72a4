/**
 * `data-sources.yaml`: every source the service knows, validated once at load.
 * A bad entry stops the program with the entry and the field named.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

export const FINALITES = ['Transparence', 'Service', 'Consultation'] as const;

const url = z.string().url();

export const sourceDefinitionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'identifiant en minuscules et tirets'),
    titre: z.string().min(3),
    description: z.string().min(10),
    producteur: z.string().min(2),
    licence: z.object({ id: z.enum(['etalab-2.0', 'odbl-1.0', 'mit']), nom: z.string(), url }),
    pageProducteur: url,
    /** Files to download; `{departement}` is replaced for per-département sources. */
    urls: z.array(url).min(1),
    format: z.enum(['csv', 'csv.gz', 'zip', '7z', 'geojson', 'gpkg', 'shp', 'txt', 'json', 'npm-package']),
    encodage: z.enum(['utf-8', 'windows-1252']).default('utf-8'),
    separateur: z.string().length(1).optional(),
    millesime: z.string().min(4),
    finalite: z.enum(FINALITES),
    /** Column (or property) holding the commune code in the producer's file. */
    cleCommune: z.string().min(1),
    /** Expected number of data rows in the whole national file, checked before publishing. */
    lignesAttendues: z.object({ min: z.number().int().nonnegative(), max: z.number().int().positive() }).refine((r) => r.min <= r.max, 'min ≤ max'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    /** Paths under the project root of the bundled real excerpt used offline (`--sample`). */
    echantillon: z.array(z.string().min(1)).min(1),
    /**
     * The bundled sample has the producer's real layout but not the real values of its communes (no real
     * excerpt could be had offline). `ingest --sample` of every source then leaves it out, so that the
     * offline release never serves an invented figure; naming the source ingests it (tests, demos).
     */
    echantillonIllustratif: z.boolean().default(false),
    /** Rows expected in the bundled excerpt (the row-count gate when ingesting the sample). */
    lignesEchantillon: z.object({ min: z.number().int().nonnegative(), max: z.number().int().positive() }),
    /** Upper bound of a download, in bytes. */
    tailleMax: z.number().int().positive().default(20 * 1024 ** 3),
    theme: z.string().optional(),
    /**
     * The source may legitimately publish no commune at all (e.g. a file of rare events, or a
     * `--departement` it has nothing for). Without it, a run projecting no commune stops the release
     * instead of replacing the served data by nothing.
     */
    peutEtreVide: z.boolean().default(false),
    /** Folder under pipelines/ holding the code (default: the id), so one pipeline can serve several files. */
    pipeline: z.string().regex(/^[a-z0-9-]+$/).optional(),
  })
  .strict();

export type SourceDefinition = z.infer<typeof sourceDefinitionSchema>;

const registrySchema = z.object({ sources: z.array(sourceDefinitionSchema).min(1) }).strict();

export class RegistryError extends Error {}

export function parseRegistry(text: string, origin = 'data-sources.yaml'): SourceDefinition[] {
  const raw = parse(text) as { sources?: unknown[] } | null;
  const result = registrySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const [, index, ...field] = issue.path;
    const entries = Array.isArray(raw?.sources) ? raw.sources : [];
    const entry = typeof index === 'number' ? (entries[index] as { id?: string } | undefined)?.id ?? `#${index + 1}` : undefined;
    const where = entry ? `source « ${entry} », champ « ${field.join('.') || '(entrée)'} »` : `champ « ${issue.path.join('.')} »`;
    throw new RegistryError(`${origin}: ${where}: ${issue.message}`);
  }
  const ids = new Set<string>();
  for (const s of result.data.sources) {
    if (ids.has(s.id)) throw new RegistryError(`${origin}: source « ${s.id} » déclarée deux fois`);
    ids.add(s.id);
  }
  return result.data.sources;
}

export function loadRegistry(path: string): SourceDefinition[] {
  return parseRegistry(readFileSync(path, 'utf8'), path);
}
