/**
 * A fuzzer driven by the API's own contract (`/openapi.json`): for every
 * operation it draws requests with valid values (enums, bounded numbers, the
 * examples and known codes of the release), near misses (out of range, empty,
 * hexadecimal, exponent), hostile strings (NUL, traversal, SQL, HTML, 2 kB),
 * random Unicode and random bytes percent-encoded, unknown and repeated
 * parameters, other methods, and random headers (content codings,
 * If-None-Match, X-Request-Id). Each answer is checked against what the
 * surface promises: no 5xx, every error a problem+json in French, every 2xx
 * JSON body valid against its OpenAPI schema, CORS and nosniff everywhere,
 * bounded request ids, 405 with Allow, HEAD with ETag and Dotation-Release.
 * Used by tests/api/fuzz.test.ts (fixed seed) and bench/fuzz-api.ts (100 000).
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

interface Parameter { in: 'path' | 'query'; name: string; required?: boolean; schema: Schema }
interface Schema { type?: string | string[]; enum?: string[]; minimum?: number; maximum?: number; pattern?: string; minLength?: number; maxLength?: number; example?: unknown }
interface Operation { parameters?: Parameter[]; responses: Record<string, { content?: Record<string, { schema?: object }> }> }
export interface OpenApiDoc { paths: Record<string, Record<string, Operation>>; components?: object }

export interface FuzzRequest { operation: string; method: string; url: string; headers: Record<string, string>; params: Record<string, string | undefined> }
export interface Violation { request: FuzzRequest; status: number; problem: string }
export interface FuzzReport {
  requests: number;
  byStatus: Record<number, number>;
  /** Operations that answered at least one 2xx (coverage of the valid space). */
  succeeded: Set<string>;
  bodiesValidated: number;
  violations: Violation[];
  millis: number;
}

/** Valid values the contract cannot know: codes that exist in the release, by `path param` then by param name. */
export type KnownValues = Record<string, string[]>;

const HOSTILE = [
  '', ' ', '%00', 'a%00b', '%', '%E0', '%C0%AF', '%FF%FE', '..%2F..%2Fetc%2Fpasswd', '../../etc/passwd', '%2e%2e%2f',
  "'%20OR%201%3D1--", '%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'javascript%3Aalert(1)', '0x10', '1e-400', '1e400', 'NaN', 'Infinity', '-0',
  '-1', '0', '99999999999999999999', '3.5', '1%2C2', '%20', '%0A', '%0D%0ASet-Cookie%3A%20x', '%E2%80%AE', '\u00e9', 'x'.repeat(2048),
];

const percentBytes = fc.uint8Array({ minLength: 1, maxLength: 24 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''));
const unicode = fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent);
const hostile = fc.constantFrom(...HOSTILE);

function numberText(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minimum ?? -1e6;
  const max = schema.maximum ?? 1e6;
  const isInteger = schema.type === 'integer';
  const inside = isInteger
    ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }).map(String)
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((n) => n.toFixed(6));
  const outside = fc.constantFrom(String(min - 1), String(max + 1), String(max * 10 + 7));
  return fc.oneof({ arbitrary: inside, weight: 6 }, { arbitrary: outside, weight: 2 }, { arbitrary: fc.constantFrom('', '0x10', '1e-400', '1e2', ' 1', '+1', '.5', '1.'), weight: 2 });
}

function validValue(operation: string, p: Parameter, known: KnownValues): fc.Arbitrary<string> {
  const pool = known[`${operation} ${p.name}`] ?? known[p.name];
  const s = p.schema;
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.type === 'number' || s.type === 'integer') return numberText(s);
  const values = [...(pool ?? []), ...(s.example !== undefined ? [String(s.example)] : [])];
  return values.length ? fc.constantFrom(...values).map(encodeURIComponent) : fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 20, 20) }).map(encodeURIComponent);
}

function valueOf(operation: string, p: Parameter, known: KnownValues): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: validValue(operation, p, known), weight: 10 },
    { arbitrary: hostile, weight: 3 },
    { arbitrary: unicode, weight: 1 },
    { arbitrary: percentBytes, weight: 1 },
  );
}

const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });
const headersArbitrary = fc.record({
  'accept-encoding': fc.constantFrom('br', 'gzip', 'deflate', 'identity', 'gzip, br', 'br;q=0, gzip;q=0.5', '*', 'compress'),
  'if-none-match': fc.oneof(fc.constantFrom('*', 'W/*', '"x"', 'W/"x"', '"a", *'), headerText),
  'x-request-id': fc.oneof(fc.constantFrom('req-1', 'abc.DEF_0-9', 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(8192), 'a b', 'é'.normalize('NFD').replace(/[^\x20-\x7e]/g, '')), headerText),
  accept: fc.constantFrom('application/json', '*/*', 'text/html', 'application/xml', 'application/problem+json'),
}, { requiredKeys: [] });

const methodArbitrary = fc.oneof(
  { arbitrary: fc.constant('GET'), weight: 16 },
  { arbitrary: fc.constantFrom('HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH'), weight: 3 },
);

/** One arbitrary request for one operation of the contract. */
function requestArbitrary(path: string, op: Operation, known: KnownValues): fc.Arbitrary<FuzzRequest> {
  const params = op.parameters ?? [];
  const fields: Record<string, fc.Arbitrary<string | undefined>> = {};
  for (const p of params) {
    const value = valueOf(path, p, known);
    fields[`${p.in}:${p.name}`] = p.in === 'path' || p.required ? value : fc.option(value, { nil: undefined, freq: 2 });
  }
  const extra = fc.option(fc.tuple(fc.constantFrom('inconnu', 'format', 'limit', 'nom', '__proto__', 'constructor'), fc.oneof(hostile, unicode)), { nil: undefined, freq: 4 });
  return fc.record({ values: fc.record(fields), extra, duplicate: fc.boolean(), method: methodArbitrary, headers: headersArbitrary }).map(({ values, extra, duplicate, method, headers }) => {
    let url = path;
    const query: string[] = [];
    for (const p of params) {
      const v = values[`${p.in}:${p.name}`];
      if (p.in === 'path') url = url.replace(`{${p.name}}`, v === '' ? '%20' : v!);
      else if (v !== undefined) query.push(`${p.name}=${v}`);
    }
    if (extra) query.push(`${extra[0]}=${extra[1]}`);
    if (duplicate && query.length) query.push(query[0]);
    if (query.length) url += `?${query.join('&')}`;
    const named = Object.fromEntries(params.map((p) => [p.name, values[`${p.in}:${p.name}`]]));
    return { operation: `${path}`, method, url, headers: headers as Record<string, string>, params: named };
  });
}

/** All the requests of a run, drawn deterministically from the seed, every operation equally likely. */
export function drawRequests(doc: OpenApiDoc, known: KnownValues, seed: number, count: number): FuzzRequest[] {
  const arbitraries = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).filter(([m]) => m === 'get').map(([, op]) => requestArbitrary(path, op, known)));
  return fc.sample(fc.oneof(...arbitraries), { seed, numRuns: count });
}

const ENGLISH = /\b(Expected|Invalid input|Too (big|small)|Required|received|must be|Unrecognized|String must)\b/;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const JSON_TYPES = ['application/json', 'application/geo+json', 'application/ld+json'];

/** Checks each answer against the contract; compiled schemas are kept per (operation, status, media type). */
export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  private readonly validators = new Map<string, ValidateFunction | null>();

  constructor(private readonly doc: OpenApiDoc) {
    addFormats.default(this.ajv);
    this.ajv.addSchema({ $id: 'https://dotation.invalid/openapi.json', components: doc.components ?? {} });
  }

  private validator(path: string, status: number, mediaType: string): ValidateFunction | null {
    const key = `${path} ${status} ${mediaType}`;
    if (!this.validators.has(key)) {
      const schema = this.doc.paths[path]?.get?.responses[String(status)]?.content?.[mediaType]?.schema;
      // References point into the document's components, registered under its id.
      const rebased = schema ? JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"https://dotation.invalid/openapi.json#/components/')) : null;
      this.validators.set(key, rebased ? this.ajv.compile(rebased) : null);
    }
    return this.validators.get(key)!;
  }

  /** Problems with one answer ([] when it keeps every promise); `validated` tells whether a JSON body was checked against its schema. */
  async check(request: FuzzRequest, res: Response): Promise<{ problems: string[]; validated: boolean }> {
    const problems: string[] = [];
    const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    let body = '';
    if (request.method !== 'HEAD' && res.status !== 304 && res.status !== 204) {
      const bytes = Buffer.from(await res.arrayBuffer());
      const coding = res.headers.get('content-encoding');
      try {
        body = (coding === 'br' ? brotliDecompressSync(bytes) : coding === 'gzip' ? gunzipSync(bytes) : coding === 'deflate' ? inflateSync(bytes) : bytes).toString('utf8');
      } catch {
        problems.push(`corps illisible en ${coding}`);
      }
    }
    let validated = false;
    // oEmbed §2.3.4 prescribes 501 for a format other than json: the one 5xx the contract documents.
    const format = new URLSearchParams(request.url.split('?')[1] ?? '').get('format');
    const oembedFormat = request.operation === '/oembed' && res.status === 501 && format !== null && format !== 'json';
    if (res.status >= 500 && !oembedFormat) problems.push(`statut ${res.status}`);
    if (res.headers.get('access-control-allow-origin') !== '*') problems.push('sans Access-Control-Allow-Origin: *');
    if (res.headers.get('x-content-type-options') !== 'nosniff') problems.push('sans X-Content-Type-Options: nosniff');
    if (!REQUEST_ID.test(res.headers.get('x-request-id') ?? '')) problems.push(`X-Request-Id non borné : ${res.headers.get('x-request-id')?.slice(0, 80)}`);
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method) && res.status !== 404) {
      if (res.status !== 405 || res.headers.get('allow') !== 'GET, HEAD, OPTIONS') problems.push(`${request.method} : ${res.status} sans 405 + Allow`);
    }
    if (request.method === 'OPTIONS' && res.status !== 404 && (res.status !== 204 || !res.headers.get('access-control-allow-methods') || !res.headers.get('access-control-max-age'))) {
      problems.push(`préflight : ${res.status} sans en-têtes CORS`);
    }
    if (res.status === 304 && !request.headers['if-none-match']) problems.push('304 sans If-None-Match');
    if (res.status >= 400 && request.method !== 'HEAD') {
      if (type !== 'application/problem+json') problems.push(`erreur en ${type || 'sans type'}`);
      try {
        const problem = JSON.parse(body) as { type?: unknown; status?: unknown; detail?: unknown; title?: unknown };
        if (problem.status !== res.status || typeof problem.type !== 'string' || !problem.type.startsWith('/problemes/') || typeof problem.title !== 'string') problems.push(`problem+json incomplet : ${body.slice(0, 200)}`);
        if (typeof problem.detail !== 'string' || ENGLISH.test(problem.detail)) problems.push(`détail absent ou en anglais : ${String(problem.detail).slice(0, 200)}`);
      } catch {
        problems.push(`erreur illisible : ${body.slice(0, 200)}`);
      }
    }
    if (res.status >= 400 && res.status !== 405 && res.headers.get('dotation-release') === null && !body.includes('aucune-release')) problems.push(`${res.status} sans Dotation-Release`);
    if (res.status === 200 && request.method === 'HEAD' && (!res.headers.get('etag') || !res.headers.get('dotation-release'))) problems.push('HEAD sans ETag ou Dotation-Release');
    if (res.status === 200 && request.method === 'GET') {
      const documented = Object.keys(this.doc.paths[request.operation]?.get?.responses['200']?.content ?? {});
      if (!documented.includes(type)) problems.push(`type ${type} non documenté (${documented.join(', ')})`);
      else if (JSON_TYPES.includes(type)) {
        const validate = this.validator(request.operation, 200, type);
        if (validate) {
          validated = true;
          let parsed: unknown;
          try {
            parsed = JSON.parse(body);
          } catch {
            problems.push('corps JSON illisible');
          }
          if (parsed !== undefined && !validate(parsed)) problems.push(`corps hors schéma : ${this.ajv.errorsText(validate.errors).slice(0, 300)}`);
        }
      }
    }
    return { problems, validated };
  }
}

/**
 * Runs the requests through `send` (in process or over HTTP), `concurrency` at
 * a time, and gathers the figures and every broken promise.
 */
export async function runFuzz(doc: OpenApiDoc, requests: FuzzRequest[], send: (r: FuzzRequest) => Promise<Response>, concurrency = 1): Promise<FuzzReport> {
  const checker = new ContractChecker(doc);
  const report: FuzzReport = { requests: 0, byStatus: {}, succeeded: new Set(), bodiesValidated: 0, violations: [], millis: 0 };
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < requests.length) {
      const request = requests[next++];
      let res: Response;
      try {
        res = await send(request);
      } catch (error) {
        report.violations.push({ request, status: 0, problem: `exception : ${(error as Error).message}` });
        continue;
      }
      report.requests++;
      report.byStatus[res.status] = (report.byStatus[res.status] ?? 0) + 1;
      if (res.status >= 200 && res.status < 300) report.succeeded.add(request.operation);
      const { problems, validated } = await checker.check(request, res);
      if (validated) report.bodiesValidated++;
      for (const problem of problems) report.violations.push({ request, status: res.status, problem });
    }
  }));
  report.millis = performance.now() - started;
  return report;
}

/** Sends a drawn request to an in-process app (`app.request`). */
export function inProcess(app: { request: (url: string, init: RequestInit) => Response | Promise<Response> }) {
  return (r: FuzzRequest) => Promise.resolve(app.request(`http://localhost${r.url}`, { method: r.method, headers: r.headers }));
}

export function summarize(report: FuzzReport): string {
  const statuses = Object.entries(report.byStatus).map(([s, n]) => `${s}: ${n}`).join(', ');
  return `${report.requests} requêtes en ${(report.millis / 1000).toFixed(1)} s (${(report.requests / (report.millis / 1000)).toFixed(0)} req/s) ; statuts { ${statuses} } ; `
    + `${report.bodiesValidated} corps JSON validés contre leur schéma ; ${report.succeeded.size} opérations avec au moins un 2xx ; ${report.violations.length} violations`;
}

/** Values that exist in the sample release, so that the valid half of the draws reaches the handlers' happy paths. */
export function knownValues(datasetIds: string[], releaseIds: string[], publicUrl: string): KnownValues {
  const communes = ['35238', '05004', '05001', '2A004', '75056', '75101', '13055', '69123', '93066', '97411', '35112', '97101', '99999', '2C001'];
  const departements = ['35', '05', '2A', '974', '75', '971', '20', '00'];
  const regions = ['53', '93', '94', '04', '11', '01', '99'];
  const epci = ['243500139', '200067320', '200040715', '123456789'];
  const territories: KnownValues = {};
  for (const suffix of ['', '/dotation', '/dotation.zip']) {
    territories[`/departement/{code}${suffix} code`] = departements;
    territories[`/region/{code}${suffix} code`] = regions;
  }
  return {
    code: communes,
    siren: epci,
    ...territories,
    dataset: datasetIds.flatMap((id) => [id, `${id}.csv`, `${id}.geojson`, `${id}.json`, `${id}.xml`]),
    since: [...releaseIds, '20200101T000000Z-0000'],
    url: [`${publicUrl}/commune/35238`, `${publicUrl}/commune/35238/embed`, `${publicUrl}/?commune=35112`, `${publicUrl}/commune/99999`, 'http://evil.example/commune/35238', 'javascript:alert(1)'],
  };
}
