import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.js';
import type { App } from '../../http/context.js';
import { oembedSchema } from './index.js';
import { jsonOf, problemOf } from '../../../tests/helpers/responses.js';
import { storeKinds } from '../../../tests/helpers/stores.js';
import { ingestForTest, registry } from '../../../tests/helpers/ingest.js';
import { DEMO_DIR, loadAssets } from './assets.js';
import { embedSize, embedTargetOf, EMBED_SIZE } from './oembed.js';

const pglite = storeKinds[0];
const ORIGIN = 'http://localhost';

describe('oEmbed URL matching', () => {
  const hosts = ['localhost:3000'];
  it.each([
    ['http://localhost:3000/commune/35238', '35238'],
    ['http://localhost:3000/commune/35238/embed', '35238'],
    ['https://LOCALHOST:3000/commune/2A004/dotation/', '2A004'],
    ['http://localhost:3000/?commune=35238', '35238'],
  ])('accepts %s', (url, code) => {
    expect(embedTargetOf(url, hosts)).toEqual({ kind: 'commune', code });
  });
  it('refuses other hosts, other paths and non-URLs', () => {
    expect(embedTargetOf('http://example.org/commune/35238', hosts).kind).toBe('foreign');
    expect(embedTargetOf('http://localhost:3000/docs', hosts).kind).toBe('foreign');
    expect(embedTargetOf('http://localhost:3000/commune/35238/datasets/qpv', hosts).kind).toBe('foreign');
    expect(embedTargetOf('/commune/35238', hosts).kind).toBe('malformed');
    expect(embedTargetOf('javascript:alert(1)', hosts).kind).toBe('malformed');
    expect(embedTargetOf('http://localhost:3000/commune/%E0/embed', hosts).kind).toBe('malformed');
  });
  it('never exceeds maxwidth / maxheight', () => {
    expect(embedSize()).toEqual(EMBED_SIZE);
    expect(embedSize(300, 10_000)).toEqual({ width: 300, height: EMBED_SIZE.height });
    expect(embedSize(undefined, 200)).toEqual({ width: EMBED_SIZE.width, height: 200 });
  });
});

describe('demo assets', () => {
  const assets = loadAssets();
  it('references nothing outside this origin (the page works offline)', () => {
    const files = [...assets.keys()].map((name) => join(DEMO_DIR, 'assets', name)).concat([join(DEMO_DIR, 'index.html'), join(DEMO_DIR, 'embed.html')]);
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/http:\/\/www\.w3\.org\/2000\/svg/g, '');
      expect(text.match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//gi), file).toBeNull();
      expect(text, file).not.toMatch(/@import|url\(\s*['"]?(?:https?:)?\/\//);
    }
  });
});

describe('demo routes before any release', () => {
  let app: App;
  let store: Awaited<ReturnType<typeof pglite.open>>;
  beforeAll(async () => {
    store = await pglite.open();
    app = createApp({ store, registry, releaseCheckMs: 0 });
  });
  afterAll(() => store.dispose());

  it('serves the page with a notice, and its assets', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Aucune release n\'est encore publiée');
    const asset = /\/demo\/assets\/card\.js\?v=[0-9a-f]+/.exec(html)![0];
    expect((await app.request(asset)).status).toBe(200);
  });

  it('still answers 503 for the card of a commune', async () => {
    expect((await app.request('/commune/35238/embed')).status).toBe(503);
  });
});

describe('demo routes on the referential', () => {
  let app: App;
  let store: Awaited<ReturnType<typeof pglite.open>>;
  const get = (path: string, headers: Record<string, string> = {}) => app.request(`${ORIGIN}${path}`, { headers });

  beforeAll(async () => {
    store = await pglite.open();
    await ingestForTest(store, { sources: ['cog'] });
    app = createApp({ store, registry, releaseCheckMs: 0, publicUrl: ORIGIN });
  }, 120_000);
  afterAll(() => store.dispose());

  it('serves the demo page in French, with a strict same-origin policy and versioned assets', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toMatch(/<html lang="fr">/);
    expect(html).toMatch(/<label for="q"/);
    expect(html).toMatch(/aria-live="polite"/);
    expect(html).not.toContain('Aucune release');
    const assets = [...html.matchAll(/\/demo\/assets\/([\w.-]+)\?v=([0-9a-f]+)/g)];
    expect(assets.map((m) => m[1])).toEqual(expect.arrayContaining(['demo.css', 'util.js', 'figures.js', 'map.js', 'charts.js', 'card.js', 'demo.js']));
    for (const [path] of assets) {
      const asset = await get(path);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('cache-control'), path).toContain('immutable');
    }
    expect((await get('/demo/assets/card.js')).headers.get('cache-control')).toBe('no-cache');
    expect((await get('/demo/assets/absent.js')).status).toBe(404);
    expect((await get('/demo/assets/..%2Findex.html')).status).toBe(404);
  });

  it('announces the oEmbed of the commune shown by the demo page', async () => {
    const html = await (await get('/?commune=35238')).text();
    expect(html).toContain('<link rel="alternate" type="application/json+oembed" href="http://localhost/oembed?url=http%3A%2F%2Flocalhost%2Fcommune%2F35238%2Fembed&amp;format=json"');
    expect(html).toContain('<title>Rennes — Dotation');
  });

  it('serves the embeddable card with its oEmbed discovery link, framable anywhere', async () => {
    const res = await get('/commune/35238/embed');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect(res.headers.get('x-frame-options')).toBeNull();
    const html = await res.text();
    expect(html).toContain('data-commune="35238"');
    expect(html).toContain('type="application/json+oembed"');
    expect(html).toContain('<title>Rennes (35238)');
  });

  it('redirects the card of a former commune and refuses a malformed code', async () => {
    const moved = await get('/commune/35112/embed');
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/commune/35062/embed');
    const bad = await get('/commune/ABCDE/embed');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers oEmbed "rich" with an iframe of the card, within maxwidth/maxheight', async () => {
    const url = encodeURIComponent(`${ORIGIN}/commune/35238`);
    const res = await get(`/oembed?url=${url}&maxwidth=320&maxheight=5000`);
    expect(res.status).toBe(200);
    const body = await jsonOf(res, oembedSchema);
    expect(body).toMatchObject({ version: '1.0', type: 'rich', provider_name: 'Dotation', width: 320, height: EMBED_SIZE.height });
    expect(body.title).toContain('Rennes');
    expect(body.html).toBe(`<iframe src="${ORIGIN}/commune/35238/embed" width="320" height="${EMBED_SIZE.height}" title="Dotation de données nationales de Rennes (35238)" loading="lazy" style="border:0;max-width:100%"></iframe>`);
    // A former code embeds today's commune; the demo page's URL is accepted too.
    const former = await jsonOf(await get(`/oembed?url=${encodeURIComponent(`${ORIGIN}/?commune=35112`)}`), oembedSchema);
    expect(former.html).toContain('/commune/35062/embed');
  });

  it('writes links from the configured origin, whatever Host or X-Forwarded-Host say', async () => {
    const spoofed = { host: 'evil.example', 'x-forwarded-host': 'evil.example' };
    for (const url of ['http://evil.example/commune/35238', `${ORIGIN}/commune/35238`]) {
      const res = await app.request(`http://evil.example/oembed?url=${encodeURIComponent(url)}`, { headers: spoofed });
      const text = await res.text();
      expect(text).not.toContain('evil.example');
      expect(text).toContain(`src=\\"${ORIGIN}/commune/35238/embed\\"`);
    }
    expect((await app.request(`/oembed?url=${encodeURIComponent('http://other.example/commune/35238')}`, { headers: spoofed })).status).toBe(404);
  });

  it.each([
    ['a foreign host', `url=${encodeURIComponent('https://example.org/commune/35238')}`, 404],
    ['a path that is no card', `url=${encodeURIComponent(`${ORIGIN}/sources`)}`, 404],
    ['an unknown commune', `url=${encodeURIComponent(`${ORIGIN}/commune/99999`)}`, 404],
    ['a relative URL', `url=${encodeURIComponent('/commune/35238')}`, 400],
    ['no URL', '', 400],
    ['a bad maxwidth', `url=${encodeURIComponent(`${ORIGIN}/commune/35238`)}&maxwidth=large`, 400],
    ['the xml format', `url=${encodeURIComponent(`${ORIGIN}/commune/35238`)}&format=xml`, 501],
  ])('answers %s with a problem', async (_, query, status) => {
    const res = await get(`/oembed?${query}`);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await problemOf(res)).status).toBe(status);
  });

  it('documents the embed and oEmbed routes in OpenAPI', async () => {
    const doc = await (await get('/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/commune/{code}/embed', '/oembed']));
  });
});
