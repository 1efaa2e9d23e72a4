/**
 * Response snapshot: records the HTTP responses of the sample release, so that
 * a refactor can be shown to leave every response byte-identical.
 *
 *   npx tsx bench/response-snapshot.ts record OUTDIR
 *   npx tsx bench/response-snapshot.ts compare DIR_A DIR_B
 *
 * `record` uses only the public entry points (the CLI, then HTTP): it ingests
 * the bundled sample into a fresh temporary DATA_DIR (PGlite), starts
 * `serve` on a free port, GETs ~180 URLs covering every route family and
 * representation, and writes per URL the normalised body plus `manifest.json`.
 * SNAPSHOT_DATABASE_URL, when set, is passed as DATABASE_URL (use an empty database).
 *
 * Normalised (volatile between two ingests, nothing else): the release id
 * (read from /releases/current), ISO timestamps that fall inside the run and
 * the run's calendar days, the request's origin (free port), the request id,
 * the temporary DATA_DIR and the project root, the FNV part of an ETag whose URL
 * holds one of those values, and ZIP containers (whose dates are the release's):
 * each entry is normalised and hashed separately, names and order kept.
 * Load ids are kept: a fresh store numbers them identically every time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import yauzl from 'yauzl';

const KEPT_HEADERS = ['content-type', 'content-disposition', 'content-encoding', 'location', 'etag', 'dotation-release', 'cache-control',
  'vary', 'allow', 'content-security-policy', 'x-content-type-options', 'x-request-id', 'content-length', 'transfer-encoding'];
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const isText = (b: Buffer) => !b.includes(0) && Buffer.from(b.toString('utf8'), 'utf8').equals(b);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Reply { status: number; headers: Record<string, string>; body: Buffer }
interface Entry { key: string; status: number; headers: Record<string, string>; files: { name: string; sha256: string; bytes: number }[] }

function get(origin: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(origin + path, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('error', reject)
        .on('end', () => resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject).setTimeout(120_000, () => req.destroy(new Error(`délai dépassé : ${path}`))).end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Child in its own process group (npx → tsx → node), so that the whole tree can be stopped. */
function cli(args: string[], env: NodeJS.ProcessEnv, log: string): ChildProcess {
  const fd = openSync(log, 'a');
  return spawn('npx', ['tsx', 'src/cli.ts', ...args], { env, stdio: ['ignore', fd, fd], detached: true });
}
const exited = (child: ChildProcess) => new Promise<number>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code ?? 1))));

function unzipEntries(buf: Buffer): Promise<{ name: string; data: Buffer }[]> {
  return new Promise((resolve, reject) => yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
    if (err) return reject(err);
    const out: { name: string; data: Buffer }[] = [];
    zip.on('entry', (entry: yauzl.Entry) => zip.openReadStream(entry, (e, stream) => {
      if (e) return reject(e);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => { out.push({ name: entry.fileName, data: Buffer.concat(chunks) }); zip.readEntry(); }).on('error', reject);
    }));
    zip.on('end', () => resolve(out)).on('error', reject);
    zip.readEntry();
  }));
}

const DECODERS: Record<string, (b: Buffer) => Buffer> = { gzip: gunzipSync, br: brotliDecompressSync, deflate: inflateSync };

/** The request list: fixed URLs, then a few discovered from earlier answers (dataset availability, assets, ETags). */
function* plan(release: string, origin: string, datasets: string[]): Generator<[string, Record<string, string>?], void, Reply> {
  const communes = ['35238', '05006', '93066', '75056', '75104', '13055', '69123', '97411', '2A004', '29019', '35062'];
  const fixed = [
    '/health', '/releases', '/releases/current', '/sources', '/sources/statistiques-insee', '/openapi.json', '/docs', '/docs/assets/swagger-ui.css', '/nexiste-pas',
    '/commune/35238', '/commune/35238?format=geojson', '/commune/35238?format=geojson&geometry=contour', '/commune/35238?format=geojson&geometry=bbox',
    '/commune/35238?format=geojson&geometry=centre', '/commune/35238?geometry=contour', '/commune/93066?format=geojson&geometry=contour',
    '/commune/75056', '/commune/75104', '/commune/13055', '/commune/97411', '/commune/2A004?format=geojson&geometry=contour',
    '/commune/35112', '/commune/35112/dotation?x=1', '/commune/35011', '/commune/35004', '/commune/39374', '/commune/123', '/commune/2C004', '/commune/99999',
    '/communes?nom=saint-malo', '/communes?nom=saint-denis&limit=3', '/communes?nom=ST%20ETIENNE&limit=5', '/communes?codePostal=35000', '/communes?codePostal=350',
    '/communes?codeDepartement=2A', '/communes?codeEpci=243500139', '/communes?codeEpci=200000000', '/communes?type=arrondissement-municipal&codeDepartement=75',
    '/communes?lat=48.1113&lon=-1.68', '/communes?lat=48.1113&lon=-1.68&format=geojson&geometry=contour', '/communes?lat=45', '/communes?lat=46.5&lon=-4',
    '/communes?format=geojson&geometry=contour', '/communes?codeDepartement=05&format=geojson&geometry=bbox', '/communes?codePostal=35000&geometry=contour',
    '/epci/243500139', '/epci/12', '/departement/35', '/departement/974', '/departement/00', '/region/53', '/region/AB',
    '/epci/243500139/dotation', '/epci/243500139/dotation.zip', '/departement/05/dotation', '/departement/05/dotation.zip', '/region/94/dotation', '/region/94/dotation.zip', '/region/53/dotation', '/departement/35/dotation.zip',
    '/departement/99/dotation', '/commune/35238/dotation.zip', '/commune/05006/dotation.zip', '/commune/93066/dotation.zip', '/commune/35112/dotation.zip',
    '/commune/35238/catalog.jsonld', '/commune/93066/catalog.jsonld', '/catalog.jsonld', '/catalog.jsonld?page=2&pageSize=500', '/catalog.jsonld?page=350', '/catalog.jsonld?page=9999',
    `/commune/35238/changes?since=${release}`, '/commune/35238/changes?since=20000101T000000Z-0000', '/commune/35238/changes',
    '/', '/?commune=35238', '/?commune=35112', '/commune/35238/embed', '/commune/97411/embed', '/commune/35112/embed', '/commune/99999/embed',
    `/oembed?url=${encodeURIComponent(`${origin}/commune/35238`)}`, '/oembed?url=http%3A%2F%2Fdotation.test%2Fcommune%2F35238%2Fembed&maxwidth=300&maxheight=200',
    '/oembed?url=http%3A%2F%2Fdotation.test%2F%3Fcommune%3D35112', '/oembed?url=http%3A%2F%2Fdotation.test%2Fcommune%2F35238&format=xml',
    '/oembed?url=http%3A%2F%2Fexemple.org%2Fcommune%2F35238', '/oembed?url=pas-une-url', '/oembed?url=http%3A%2F%2Fdotation.test%2Fcommune%2F99999',
  ];
  const forwarded = { 'x-forwarded-host': 'dotation.test' };
  for (const url of fixed) yield [url, url.includes('dotation.test') ? forwarded : undefined];
  // Every dataset of the registry on every sample commune that has it (and one without), in each representation.
  for (const code of communes) {
    const dotation = JSON.parse((yield [`/commune/${code}/dotation`]).body.toString()) as { datasets: { id: string; statut: string }[] };
    for (const d of dotation.datasets.filter((x) => x.statut === 'available' && x.id !== 'cog')) {
      for (const ext of ['', '.csv', '.geojson']) yield [`/commune/${code}/datasets/${d.id}${ext}`];
    }
  }
  for (const id of datasets) yield [`/commune/29019/datasets/${id}`];
  yield ['/commune/35238/datasets/inconnu.csv'];
  const page = (yield ['/commune/35238']).headers;
  yield ['/commune/35238', { 'if-none-match': page.etag }];
  yield ['/commune/2A004', { 'if-none-match': page.etag }];
  const gz = (yield ['/commune/35238/dotation', { 'accept-encoding': 'gzip' }]).headers;
  yield ['/commune/35238/dotation', { 'if-none-match': gz.etag, 'accept-encoding': 'gzip' }];
  yield ['/communes?codeDepartement=2A', { 'accept-encoding': 'br' }];
  yield ['/commune/35238/datasets/statistiques-insee.csv', { 'accept-encoding': 'gzip, deflate' }];
  yield ['/openapi.json', { 'accept-encoding': 'deflate' }];
  yield ['/commune/05006/datasets/ban.csv', { 'accept-encoding': 'br;q=0.5, gzip' }];
  yield ['/commune/35238/dotation.zip', { 'accept-encoding': 'gzip' }];
  const html = (yield ['/commune/35238/embed']).body.toString() + (yield ['/']).body.toString();
  for (const asset of [...new Set(html.match(/\/demo\/assets\/[\w.-]+\?v=\w+/g))].sort()) yield [asset];
  yield ['/demo/assets/demo.js'];
  yield ['/demo/assets/inconnu.js'];
}

async function record(out: string): Promise<void> {
  if (!existsSync('src/cli.ts')) throw new Error('à lancer depuis la racine du projet (src/cli.ts introuvable)');
  if (existsSync(out) && readdirSync(out).length && !existsSync(join(out, 'manifest.json'))) throw new Error(`${out} existe et n'est pas un instantané`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'bodies'), { recursive: true });
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'dotation-snapshot-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const { DATABASE_URL: _ignored, PUBLIC_URL: _p, DOTATION_CACHE_MB: _c, DOTATION_CACHE_SIZE: _s, DOTATION_PRELOAD: _l, RELEASE_CHECK_MS: _r, ...inherited } = process.env;
  const env = { ...inherited, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    ...(process.env.SNAPSHOT_DATABASE_URL ? { DATABASE_URL: process.env.SNAPSHOT_DATABASE_URL } : {}) };
  let server: ChildProcess | undefined;
  const stop = () => { try { if (server?.exitCode === null) process.kill(-server.pid!, 'SIGTERM'); } catch { /* already gone */ } };
  process.once('SIGINT', () => { stop(); process.exit(130); });
  try {
    const code = await exited(cli(['ingest', '--sample'], env, join(out, 'ingest.log')));
    if (code !== 0) throw new Error(`ingest --sample a échoué (${code}), voir ${join(out, 'ingest.log')}`);
    const ingested = Date.now();
    server = cli(['serve'], env, join(out, 'serve.log'));
    for (let health: Reply | undefined; ; await sleep(250)) {
      if (server.exitCode !== null) throw new Error(`serve s'est arrêté, voir ${join(out, 'serve.log')}`);
      if (Date.now() - ingested > 120_000) throw new Error('/health ne répond pas après 120 s');
      health = await get(origin, '/health').catch(() => undefined);
      if (health?.status === 200 && JSON.parse(health.body.toString()).release) break;
    }
    const served = Date.now();
    const current = JSON.parse((await get(origin, '/releases/current')).body.toString()) as { id: string };
    const registry = JSON.parse((await get(origin, '/sources')).body.toString()) as { id: string }[];
    // Volatile values, most specific first. Timestamps are replaced only when they fall inside this run.
    const days = new Set([started, Date.now()].map((t) => new Date(t).toISOString().slice(0, 10)));
    const replacements: [RegExp, string | ((m: string) => string)][] = [
      [new RegExp(escapeRe(current.id), 'g'), '<RELEASE>'],
      [new RegExp(escapeRe(encodeURIComponent(origin)), 'gi'), '<ORIGIN-ENCODED>'],
      [new RegExp(escapeRe(origin), 'g'), '<ORIGIN>'],
      [new RegExp(`127\\.0\\.0\\.1:${port}\\b`, 'g'), '<HOST>'],
      [new RegExp(escapeRe(dataDir), 'g'), '<DATA_DIR>'],
      [new RegExp(escapeRe(process.cwd()), 'g'), '<ROOT>'],
      [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g, (m) => (Date.parse(m) >= started - 1000 && Date.parse(m) <= Date.now() ? '<TIME>' : m)],
      [new RegExp(`\\b(?:${[...days].join('|')})\\b`, 'g'), '<DATE>'],
    ];
    // The request id: the header's value wherever it is echoed, and the random one of problem bodies (which carry no header).
    const normalise = (text: string, requestId?: string) => {
      for (const [re, by] of replacements) text = text.replace(re, by as string);
      if (requestId) text = text.split(requestId).join('<REQUEST-ID>');
      return text.replace(/"requestId":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"/g, '"requestId":"<REQUEST-ID>"');
    };
    const manifest: Entry[] = [];
    const replies = new Map<string, Reply>();
    const steps = plan(current.id, origin, registry.map((s) => s.id));
    for (let step = steps.next(), n = 1; !step.done; n++) {
      const [url, headers = {}] = step.value;
      const key = normalise(`GET ${url}${Object.keys(headers).length ? ` ${JSON.stringify(headers)}` : ''}`);
      // A URL asked again by the plan is answered from the first request, and recorded once.
      if (replies.has(key)) { step = steps.next(replies.get(key)!); n--; continue; }
      const reply = await get(origin, url, headers);
      replies.set(key, reply);
      const requestId = reply.headers['x-request-id'];
      const kept: Record<string, string> = {};
      for (const h of KEPT_HEADERS) if (reply.headers[h] !== undefined) kept[h] = normalise(String(reply.headers[h]), requestId);
      if (kept['content-encoding'] && kept['content-length']) kept['content-length'] = '<COMPRESSED>';
      // An ETag hashes the URL: when the URL holds a volatile value, so does the hash.
      if (kept.etag && normalise(url) !== url) kept.etag = kept.etag.replace(/\.[0-9a-z]+(-\w+)?"$/, '.<URL-HASH>$1"');
      const body = DECODERS[reply.headers['content-encoding']]?.(reply.body) ?? reply.body;
      const base = `${String(n).padStart(3, '0')}-${normalise(url).replace(/^\//, '').replace(/[^\w.-]+/g, '_').slice(0, 80) || 'index'}`;
      const files: { name: string; data: Buffer }[] = [];
      if (/zip/.test(reply.headers['content-type'] ?? '') && reply.status === 200) {
        // The listing (names in archive order, normalised size and hash) stands for the body; each entry is kept beside it.
        const entries = (await unzipEntries(body)).map((e) => ({ name: `${base}.d/${e.name}`, data: isText(e.data) ? Buffer.from(normalise(e.data.toString('utf8'))) : e.data }));
        files.push({ name: base, data: Buffer.from(entries.map((e) => `${e.name.slice(base.length + 3)}\t${e.data.length}\t${sha256(e.data)}\n`).join('')) }, ...entries);
      } else {
        files.push({ name: base, data: isText(body) ? Buffer.from(normalise(body.toString('utf8'), requestId)) : body });
      }
      for (const f of files) {
        mkdirSync(join(out, 'bodies', f.name, '..'), { recursive: true });
        writeFileSync(join(out, 'bodies', f.name), f.data);
      }
      manifest.push({ key, status: reply.status, headers: kept, files: files.map((f) => ({ name: f.name, sha256: sha256(f.data), bytes: f.data.length })) });
      step = steps.next(reply);
    }
    writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`${manifest.length} URL enregistrées dans ${out} (release ${current.id}) — ingestion ${s(ingested - started)}, démarrage ${s(served - ingested)}, requêtes ${s(Date.now() - served)}, total ${s(Date.now() - started)}`);
  } finally {
    stop();
    if (server) await Promise.race([exited(server), new Promise((r) => setTimeout(r, 10_000).unref())]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function firstDifference(a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const ctx = (buf: Buffer) => JSON.stringify(buf.subarray(Math.max(0, i - 40), i + 40).toString('utf8'));
  return `octet ${i} (${a.length} / ${b.length} octets)\n      A: ${ctx(a)}\n      B: ${ctx(b)}`;
}

function compare(dirA: string, dirB: string): number {
  const load = (dir: string) => new Map((JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Entry[]).map((e) => [e.key, e]));
  const [a, b] = [load(dirA), load(dirB)];
  let same = 0, different = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const [x, y] = [a.get(key), b.get(key)];
    const problems: string[] = [];
    if (!x || !y) problems.push(`absente de ${x ? 'B' : 'A'}`);
    else {
      if (x.status !== y.status) problems.push(`statut ${x.status} ≠ ${y.status}`);
      for (const h of new Set([...Object.keys(x.headers), ...Object.keys(y.headers)])) {
        if (x.headers[h] !== y.headers[h]) problems.push(`en-tête ${h} : ${JSON.stringify(x.headers[h])} ≠ ${JSON.stringify(y.headers[h])}`);
      }
      // Files are matched by role: the body (first), then ZIP entries by their name in the archive.
      const role = (f: Entry['files'][number], i: number) => (i === 0 ? '' : f.name.slice(f.name.indexOf('.d/') + 3));
      const filesB = new Map(y.files.map((f, i) => [role(f, i), f]));
      x.files.forEach((fa, i) => {
        const fb = filesB.get(role(fa, i));
        filesB.delete(role(fa, i));
        if (fb?.sha256 === fa.sha256) return;
        if (!fb) return problems.push(`${fa.name} absent de B`);
        problems.push(`corps ${i === 0 ? '' : `${fa.name} `}: ${firstDifference(readFileSync(join(dirA, 'bodies', fa.name)), readFileSync(join(dirB, 'bodies', fb.name)))}`);
      });
      for (const fb of filesB.values()) problems.push(`${fb.name} absent de A`);
    }
    if (problems.length) console.log(`≠ ${key}\n    ${problems.join('\n    ')}`);
    if (problems.length) different++; else same++;
  }
  console.log(`${same} URLs identiques, ${different} différentes`);
  return different ? 1 : 0;
}

const [command, ...args] = process.argv.slice(2);
if (command === 'record' && args.length === 1) {
  record(args[0]).catch((error: Error) => { console.error(error.message); process.exit(1); });
} else if (command === 'compare' && args.length === 2) {
  process.exitCode = compare(args[0], args[1]);
} else {
  console.error('usage : npx tsx bench/response-snapshot.ts record OUTDIR | compare DIR_A DIR_B');
  process.exit(2);
}
