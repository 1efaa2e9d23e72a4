/**
 * `data-sources.yaml`: every source the service knows, validated once at load.
 * A bad entry stops the program with the entry and the field named.
 */
import { readFileSync } from 'node:fs';
import { CORE_SCHEMA, load as parseYaml } from 'js-yaml';
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
    /** Millésime of the bundled sample when it is an older edition than the national file's: what `--sample` records and serves. */
    millesimeEchantillon: z.string().min(4).optional(),
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
    /**
     * Files of `echantillon` in the producer's exact layout whose values are not real, beside real ones (a source
     * of two files with a real excerpt of one only). `--sample` leaves these files out, so the offline release
     * serves the real part alone; tests read them directly.
     */
    fichiersIllustratifs: z.array(z.string().min(1)).default([]),
    /** Rows expected in the bundled excerpt (the row-count gate when ingesting the sample). */
    lignesEchantillon: z.object({ min: z.number().int().nonnegative(), max: z.number().int().positive() }),
    /** Sources whose URLs hold `{commune}` or `{epci}` (an API called once per key): requests a second, retries included (default 10). */
    requetesParSeconde: z.number().positive().max(100).optional(),
    /** Upper bound of a download, in bytes. */
    tailleMax: z.number().int().positive().default(20 * 1024 ** 3),
    theme: z.string().optional(),
    /**
     * NAME of the environment variable holding the producer's access token, for sources whose download
     * needs an account (never the token itself). Read at fetch time and sent as `Authorization: Bearer`;
     * never stored, logged or recorded in provenance. Unset: the source is skipped, the release goes on.
     */
    jetonEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'nom de variable d\'environnement en majuscules (ex. ATMO_DATA_JETON)').optional(),
    /**
     * Largest share of rows a run may set aside before the file is taken as broken (default 5 %), for
     * a producer whose rows often lack a usable commune (the reason is declared next to the value).
     */
    partRejeteeMax: z.number().min(0).max(1).optional(),
    /** Attribution the licence asks of reusers (ODbL), repeated in the pack's README. */
    attribution: z.string().min(3).optional(),
    /**
     * The source may legitimately publish no commune at all (e.g. a file of rare events, or a
     * `--departement` it has nothing for). Without it, a run projecting no commune stops the release
     * instead of replacing the served data by nothing.
     */
    peutEtreVide: z.boolean().default(false),
    /**
     * The producer's file holds one row per commune of its own COG (contours, statistics by commune): a national
     * file of an older COG is then judged by the row-count gate on its re-keyed result (see older-cog.ts).
     */
    uneLigneParCommune: z.boolean().default(false),
    /** Folder under pipelines/ holding the code (default: the id), so one pipeline can serve several files. */
    pipeline: z.string().regex(/^[a-z0-9-]+$/).optional(),
  })
  .strict();

export type SourceDefinition = z.infer<typeof sourceDefinitionSchema>;

const registrySchema = z.object({ sources: z.array(sourceDefinitionSchema).min(1) }).strict();

export class RegistryError extends Error {}

export function parseRegistry(text: string, origin = 'data-sources.yaml'): SourceDefinition[] {
  // js-yaml with the YAML 1.2 core schema (no dates, no merge keys): ~8× less CPU than `yaml` on every start.
  const raw = parseYaml(text, { schema: CORE_SCHEMA }) as { sources?: unknown[] } | null;
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
    const stray = s.fichiersIllustratifs.find((f) => !s.echantillon.includes(f));
    if (stray) throw new RegistryError(`${origin}: source « ${s.id} », champ « fichiersIllustratifs »: « ${stray} » n'est pas dans echantillon`);
    if (ids.has(s.id)) throw new RegistryError(`${origin}: source « ${s.id} » déclarée deux fois`);
    ids.add(s.id);
  }
  return result.data.sources;
}

export function loadRegistry(path: string): SourceDefinition[] {
  return parseRegistry(readFileSync(path, 'utf8'), path);
}
