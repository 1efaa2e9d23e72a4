/**
 * Documents d'urbanisme from the Géoportail de l'Urbanisme (sources-wave2 §7): the fetch step
 * calls API Carto once per commune (`gpu/municipality`, `gpu/document?partition=DU_<insee>`) and
 * once per EPCI (`gpu/document?partition=DU_<siren>`, PLUi), through the framework's per-key
 * fetcher (keyed-fetch.ts); each input is one bundle of answers, one JSON object a line.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { communeRecord, FIELDS, type CommuneAnswers, type GpuDocument, type Municipality } from './project.js';

const features = <T extends z.ZodTypeAny>(properties: T) => z.object({ type: z.literal('FeatureCollection'), features: z.array(z.object({ properties })) }).nullable();
const municipality = z.object({ insee: z.string(), name: z.string().optional(), is_rnu: z.boolean() }).passthrough();
const document = z.object({ du_type: z.string(), partition: z.string(), grid_name: z.string().optional(), grid_title: z.string().optional(), name: z.string().optional() }).passthrough();
const envelope = z.object({ cle: z.string(), url: z.string().url(), statut: z.number().int(), dateReponse: z.string().optional(), recupereLe: z.string(), corps: z.unknown() });
export const REJECT_ABSENT = 'commune absente du GPU (réponse sans entité)';
export const REJECT_UNKNOWN = 'code commune inconnu du COG';

const pipeline: SourcePipeline = {
  id: 'documents-urbanisme',
  async run(ctx) {
    const { id } = ctx.source;
    const answers = new Map<string, CommuneAnswers>();
    const epciDocuments = new Map<string, CommuneAnswers['epciDocuments']>();
    const at = (code: string) => answers.get(code) ?? answers.set(code, {}).get(code)!;
    for (const file of ctx.files) {
      let line = 0;
      for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
        if (!(++line, text.trim())) continue;
        const fail = (path: PropertyKey[], message: string): never => { throw new SourceError(id, file, `réponse non conforme : ${message}`, line, path.map(String).join('.') || undefined); };
        let raw: unknown;
        try { raw = JSON.parse(text); } catch (e) { fail([], `JSON illisible (${(e as Error).message})`); }
        const answer = envelope.safeParse(raw);
        if (!answer.success) fail(answer.error.issues[0].path, answer.error.issues[0].message);
        const { cle, url, corps, dateReponse } = answer.data!;
        const path = new URL(url).pathname;
        const schema = path.endsWith('/gpu/municipality') ? features(municipality) : path.endsWith('/gpu/document') ? features(document) : undefined;
        if (!schema) fail(['url'], `appel ${path} inattendu (gpu/municipality ou gpu/document)`);
        const body = schema!.safeParse(corps);
        if (!body.success) fail(['corps', ...body.error.issues[0].path], body.error.issues[0].message);
        const found = (body.data?.features ?? []).map((f: { properties: unknown }) => f.properties) as GpuDocument[] & Municipality[];
        if (path.endsWith('/gpu/municipality')) Object.assign(at(cle), { municipality: found[0] ?? null, dateReponse });
        else if (/^\d{9}$/.test(cle)) epciDocuments.set(cle, found);
        else at(cle).communeDocuments = found;
      }
    }
    const records = [];
    for (const [code, a] of [...answers].sort(([x], [y]) => x.localeCompare(y))) {
      if (a.municipality === undefined || !ctx.scope.includes(code)) continue;
      ctx.report.read();
      if (!ctx.referential.commune(code)) { ctx.report.rejected(REJECT_UNKNOWN); continue; }
      if (a.municipality === null) { ctx.report.rejected(REJECT_ABSENT); continue; }
      a.epciDocuments = epciDocuments.get(ctx.referential.commune(code)?.epci ?? '') ?? [];
      records.push(communeRecord(code, a, ctx.referential));
      ctx.report.projected();
    }
    ctx.report.note('documentsIntercommunaux', [...epciDocuments.values()].filter((d) => d?.length).length);
    return { fields: FIELDS, communes: records, metadata: { rnu: 'is_rnu du GPU : aucun document local opposable, le règlement national d\'urbanisme s\'applique' } };
  },
};

export default pipeline;
