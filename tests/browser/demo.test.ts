/**
 * The demonstrator in a real browser: Debian's Chromium, headless, driven by
 * playwright-core (no browser download), against the app served on an
 * ephemeral localhost port over PGlite with every registered source's sample
 * ingested. Searches "Rennes", checks the card's figures against the API's own
 * JSON, that the map drew the contour, the downloads, the embed and its
 * oEmbed, on desktop and phone widths; screenshots go to tests/screenshots/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { datasetGeoJsonSchema, dotationSchema } from '../../src/dotation/schema.js';
import { oembedSchema } from '../../src/routes/demo/index.js';
import { jsonOf } from '../helpers/responses.js';
import { storeKinds } from '../helpers/stores.js';
import { ingestForTest, registry } from '../helpers/ingest.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SCREENSHOTS = join(PROJECT_ROOT, 'tests', 'screenshots');
if (!hasChromium) {
  process.stdout.write(`\n⚠ Test navigateur du démonstrateur ignoré : ${CHROMIUM} introuvable (apt-get install chromium ; .ci/run l'installe).\n`);
}

type Dataset = { id: string; titre: string; statut: string; millesime: string | null; producteur: string; liens: { json?: string; csv?: string; geojson?: string; source: string }; donnees?: Record<string, any> };
type Dotation = { commune: { code: string; nom: string; population: number | null }; release: { id: string }; datasets: Dataset[] };

/** The figure as the card shows it: its data attributes and visible text. */
async function figure(page: Page, id: string) {
  const item = page.locator(`#fiche [data-figure="${id}"]`).first();
  return {
    value: await item.getAttribute('data-value'),
    statut: await item.getAttribute('data-statut'),
    number: (await item.locator('.chiffre__nombre').count()) ? await item.locator('.chiffre__nombre').innerText() : null,
    text: (await item.innerText()).replace(/\s+/g, ' '),
  };
}
const digits = (s: string) => s.replace(/\D/g, '');

describe.skipIf(!hasChromium)('demo page in headless Chromium', () => {
  let store: Awaited<ReturnType<(typeof storeKinds)[0]['open']>>;
  let server: ServerType;
  let origin: string;
  let browser: Browser;
  let rennes: Dotation;
  const requested: string[] = [];
  const pageErrors: string[] = [];
  const api = async (path: string) => fetch(`${origin}${path}`);

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    store = await storeKinds[0].open();
    // Every registered source, illustrative samples included: the card has something to show for each.
    await ingestForTest(store, { sources: registry.map((s) => s.id), sample: true });
    // Links come from the configured origin: the app is built once the port is known.
    const served: { app?: ReturnType<typeof createApp> } = {};
    await new Promise<void>((resolve) => {
      server = serve({ fetch: (request, env) => served.app!.fetch(request, env), port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    served.app = createApp({ store, registry, releaseCheckMs: 0, publicUrl: origin });
    rennes = await jsonOf(await api('/commune/35238/dotation'), dotationSchema);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await store?.dispose();
  });

  async function newPage(viewport: { width: number; height: number }, mobile = false): Promise<Page> {
    const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1, acceptDownloads: true, locale: 'fr-FR' });
    const page = await context.newPage();
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    return page;
  }

  const ds = (id: string) => rennes.datasets.find((d) => d.id === id);
  const available = (d?: Dataset) => d?.statut === 'available';

  it('finds Rennes by name and shows the figures of its dotation, each with millésime and source', async () => {
    const page = await newPage({ width: 1280, height: 900 });
    await page.goto(`${origin}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    // With no commune asked, the page opens on Rennes (all its figures are real offline), URL unchanged.
    await page.waitForSelector('#fiche[data-state="ready"][data-commune="35238"]', { timeout: 30_000 });
    expect(page.url()).toBe(`${origin}/`);
    // Keyboard only: the label names the field, Enter submits.
    await page.getByLabel('Commune', { exact: true }).fill('Rennes');
    await page.getByLabel('Commune', { exact: true }).press('Enter');
    await page.waitForURL(`${origin}/?commune=35238`, { timeout: 30_000 });
    await page.waitForSelector('#fiche[data-state="ready"]', { timeout: 30_000 });
    expect(await page.locator('#statut').getAttribute('aria-live')).toBe('polite');
    expect(await page.locator('#statut').innerText()).toMatch(/communes? trouvées?/);
    expect(await page.locator('#resultats button').first().innerText()).toContain('Rennes');
    expect(await page.locator('#fiche .fiche__titre').innerText()).toContain('Rennes');
    expect(page.url()).toBe(`${origin}/?commune=35238`);

    // Population: the referential's, as the API says.
    const population = await figure(page, 'population');
    expect(Number(population.value)).toBe(rennes.commune.population);
    expect(digits(population.number!)).toBe(String(rennes.commune.population)); // « 230 890 »
    expect(population.text).toContain(`Millésime COG ${ds('cog')!.millesime}`);

    // Addresses: the BAN count, or the reason there is none.
    const ban = ds('ban');
    const adresses = await figure(page, 'adresses');
    if (available(ban)) {
      expect(Number(adresses.value)).toBe(ban!.donnees!.adresses);
      expect(digits(adresses.number!)).toBe(String(ban!.donnees!.adresses));
      expect(adresses.text).toContain(`Source : ${ban!.producteur}`);
    } else {
      expect(adresses.value).toBeNull();
      expect(adresses.text).toContain('Non disponible');
    }

    // Last elections: the most recent scrutin available for Rennes, participation = votants / inscrits.
    const elections = rennes.datasets.filter((d) => d.id.startsWith('elections-') && available(d))
      .sort((a, b) => String(b.donnees!.scrutin.date).localeCompare(String(a.donnees!.scrutin.date)));
    const shown = await figure(page, 'elections');
    if (elections.length) {
      const last = elections[0].donnees!;
      expect(Number(shown.value)).toBeCloseTo(last.votants / last.inscrits, 10);
      expect(shown.text).toContain(last.scrutin.libelle);
      expect(shown.text).toContain(`Source : ${elections[0].producteur}`);
      const chart = page.locator('#fiche [data-chart="elections"] .barre');
      expect(await chart.count()).toBe(Math.min(8, last.candidats.length));
      const top = [...last.candidats].sort((a: { voix: number }, b: { voix: number }) => b.voix - a.voix)[0];
      expect(await chart.first().innerText()).toContain(top.candidat);
    } else {
      expect(shown.text).toContain('Non disponible');
    }

    // Coverage (ARCEP): a value only when the dataset is there.
    const couverture = await figure(page, 'couverture');
    if (!available(ds('arcep-couverture'))) expect(couverture.text).toContain('Non disponible');

    // QPV, area and INSEE figures.
    const qpv = ds('qpv');
    if (available(qpv)) expect(Number((await figure(page, 'qpv')).value)).toBe(qpv!.donnees!.nombreQpv);
    const contours = ds('communes-contours');
    if (available(contours)) expect(Number((await figure(page, 'superficie')).value)).toBe(contours!.donnees!.surface.km2);
    const insee = rennes.datasets.find((d) => available(d) && d.donnees?.valeurs);
    if (insee) {
      const chomage = await figure(page, 'insee-tauxChomage');
      expect(Number(chomage.value)).toBe(insee.donnees!.valeurs.tauxChomage);
      // The millésime comes from the source's definitions, fetched through liens.source.
      const source = await (await api(insee.liens.source)).json() as { metadonnees: { definitions: { id: string; millesime: string }[] } };
      expect(chomage.text).toContain(`Millésime ${source.metadonnees.definitions.find((d) => d.id === 'tauxChomage')!.millesime}`);
    }

    // Every available dataset is listed with the download links the API gives, the others with their status.
    const registered = rennes.datasets.filter((d) => d.id !== 'cog');
    expect(await page.locator('#fiche [data-couverture]').getAttribute('data-couverture')).toBe(`${registered.filter(available).length}/${registered.length}`);
    for (const d of rennes.datasets) {
      const row = page.locator(`#fiche .jeux [data-dataset="${d.id}"]`);
      expect(await row.count(), d.id).toBe(1);
      expect(await row.getAttribute('data-statut'), d.id).toBe(d.statut);
      if (!d.liens.csv) continue;
      expect(await row.locator('a[data-format="csv"]').getAttribute('href')).toBe(d.liens.csv);
      if (d.liens.geojson) expect(await row.locator('a[data-format="geojson"]').getAttribute('href')).toBe(d.liens.geojson);
      const csv = await api(d.liens.csv);
      expect(csv.status, d.liens.csv).toBe(200);
    }

    await page.screenshot({ path: join(SCREENSHOTS, 'demo-desktop.png'), fullPage: true });

    // Another result, from the keyboard: its card opens and takes the focus; Back returns to Rennes.
    const other = page.locator('#resultats button').nth(1);
    const otherCode = (await other.getAttribute('data-code'))!;
    await other.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#fiche[data-state="ready"][data-commune="${otherCode}"]`, { timeout: 30_000 });
    expect(await page.evaluate(() => document.activeElement?.classList.contains('fiche__titre'))).toBe(true);
    expect(page.url()).toBe(`${origin}/?commune=${otherCode}`);
    await page.goBack();
    await page.waitForSelector('#fiche[data-state="ready"][data-commune="35238"]', { timeout: 30_000 });
    await page.context().close();
  });

  it('draws the contour, the QPV and the IRIS of the commune on the map', async () => {
    const page = await newPage({ width: 1280, height: 900 });
    await page.goto(`${origin}/?commune=35238`);
    await page.waitForSelector('#fiche[data-state="ready"]', { timeout: 30_000 });
    const contour = page.locator('#fiche svg.carte__svg path[data-layer="contour"]');
    expect(await contour.count()).toBeGreaterThan(0);
    const d = await contour.first().getAttribute('d');
    expect(d!.length).toBeGreaterThan(100);
    expect(d).toMatch(/^M[\d.]+ [\d.]+L/);
    const box = await contour.first().evaluate((p) => { const b = (p as SVGPathElement).getBBox(); return { w: b.width, h: b.height }; });
    expect(box.w).toBeGreaterThan(100); // viewBox units out of 600: the commune fills the frame
    expect(box.h).toBeGreaterThan(100);
    expect(await page.locator('#fiche [data-map]').getAttribute('data-map')).toBe('drawn');
    for (const [id, layer] of [['qpv', 'qpv'], ['iris-contours', 'iris']] as const) {
      const set = ds(id);
      const expected = set?.liens?.geojson ? (await jsonOf(await api(set.liens.geojson), datasetGeoJsonSchema)).features.length : 0;
      expect(await page.locator(`#fiche path[data-layer="${layer}"]`).count(), id).toBe(expected);
    }
    if (await page.locator('#fiche path[data-layer="qpv"]').count()) {
      // The layer toggles from the keyboard.
      const toggle = page.locator('#fiche input[data-layer="qpv"]');
      await toggle.focus();
      await page.keyboard.press('Space');
      expect(await toggle.isChecked()).toBe(false);
      expect(await page.locator('#fiche g[data-layer="qpv"]').isVisible()).toBe(false);
      await page.keyboard.press('Space');
      expect(await page.locator('#fiche g[data-layer="qpv"]').isVisible()).toBe(true);
    }
    await page.locator('#fiche .carte').screenshot({ path: join(SCREENSHOTS, 'demo-carte.png') });
    await page.context().close();
  });

  it('downloads the ZIP pack of the commune', async (ctx) => {
    const head = await api('/commune/35238/dotation.zip');
    if (head.status === 404) {
      process.stdout.write('\nℹ /commune/{code}/dotation.zip répond 404 : étape de téléchargement du ZIP ignorée (la carte le dit).\n');
      const page = await newPage({ width: 1280, height: 900 });
      await page.goto(`${origin}/?commune=35238`);
      await page.waitForSelector('#fiche[data-state="ready"]');
      expect(await page.locator('#fiche [data-zip]').getAttribute('data-zip')).toBe('unavailable');
      await page.context().close();
      ctx.skip();
      return;
    }
    await head.arrayBuffer();
    const page = await newPage({ width: 1280, height: 900 });
    await page.goto(`${origin}/?commune=35238`);
    await page.waitForSelector('#fiche[data-state="ready"]');
    expect(await page.locator('#fiche [data-zip]').getAttribute('data-zip')).toBe('available');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#fiche a[data-download="zip"]').click()]);
    const path = await download.path();
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04])); // a ZIP local file header
    expect(bytes.includes(Buffer.from('datapackage.json'))).toBe(true);
    expect(download.suggestedFilename()).toMatch(/35238.*\.zip$/);
    await page.context().close();
  });

  it('gives the iframe snippet from the oEmbed endpoint, and the card it embeds', async () => {
    const page = await newPage({ width: 1280, height: 900 });
    await page.goto(`${origin}/?commune=35238`);
    await page.waitForSelector('#fiche[data-state="ready"]');
    await page.waitForSelector('#integrer:not([hidden])');
    const snippet = await page.locator('#extrait').inputValue();
    const oembed = await jsonOf(await api(`/oembed?url=${encodeURIComponent(`${origin}/commune/35238/embed`)}`), oembedSchema);
    expect(snippet).toBe(oembed.html);
    expect(snippet).toContain(`<iframe src="${origin}/commune/35238/embed"`);
    await page.locator('#integrer summary').click();
    const frame = page.frameLocator('#apercu-cadre iframe');
    await frame.locator('#fiche[data-state="ready"]').waitFor({ timeout: 30_000 });
    expect(await frame.locator('[data-figure="population"]').getAttribute('data-value')).toBe(String(rennes.commune.population));
    await page.context().close();

    const card = await newPage({ width: 480, height: 640 });
    await card.goto(`${origin}/commune/35238/embed`);
    await card.waitForSelector('#fiche[data-state="ready"]', { timeout: 30_000 });
    const discovery = await card.locator('link[rel="alternate"][type="application/json+oembed"]').getAttribute('href');
    const discovered = await jsonOf(await fetch(discovery!), oembedSchema);
    expect(discovered).toMatchObject({ type: 'rich', version: '1.0', width: 480, height: 640 });
    expect(await card.locator('path[data-layer="contour"]').count()).toBeGreaterThan(0);
    expect(await card.locator('[data-figure]').count()).toBe(4);
    expect(await card.locator('[data-figure="population"]').getAttribute('data-value')).toBe(String(rennes.commune.population));
    // The card fits the iframe the snippet declares.
    expect(await card.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(640);
    await card.screenshot({ path: join(SCREENSHOTS, 'embed-480.png') });
    await card.context().close();
  });

  it('is usable on a phone: no horizontal scrolling, the card and the table reflow', async () => {
    const page = await newPage({ width: 390, height: 844 }, true);
    await page.goto(`${origin}/`);
    await page.getByLabel('Commune', { exact: true }).fill('35000');
    await page.getByRole('button', { name: 'Rechercher' }).tap();
    await page.waitForSelector('#fiche[data-state="ready"]', { timeout: 30_000 });
    expect(await page.locator('#fiche .fiche__titre').innerText()).toContain('Rennes');
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
    const svg = await page.locator('#fiche svg.carte__svg').boundingBox();
    expect(svg!.width).toBeGreaterThan(300);
    expect(svg!.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-phone.png'), fullPage: true });
    await page.locator('#fiche .fiche__titre').evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-phone-fiche.png') });
    await page.context().close();
  });

  it('charts Cazères\' budget per inhabitant over its exercices and the births of 01001, each with source and millésime, or why missing', async () => {
    const page = await newPage({ width: 1280, height: 900 });
    await page.goto(`${origin}/?commune=31135`);
    await page.waitForSelector('#fiche[data-state="ready"]', { timeout: 30_000 });
    const cazeres: Dotation = await jsonOf(await api('/commune/31135/dotation'), dotationSchema);
    const budget = cazeres.datasets.find((d) => d.id === 'budget-ofgl')!;
    expect(budget.statut).toBe('available');
    const synthese = (budget.donnees as { synthese: { exercices: string[]; agregats: { agregat: string; montantParHabitant: number[] }[] } }).synthese;
    const chart = page.locator('#fiche [data-chart="budget-0"]');
    expect(await chart.locator('figcaption').innerText()).toContain('Recettes de fonctionnement');
    const values = await chart.locator('li.barre').evaluateAll((items) => items.map((i) => Number((i as HTMLElement).dataset.value)));
    expect(values).toEqual(synthese.agregats.find((a) => a.agregat === 'Recettes de fonctionnement')!.montantParHabitant);
    expect(await chart.locator('.source').innerText()).toContain(`millésime ${budget.millesime}`);
    // No état civil excerpt for Cazères: the chart says why instead of drawing zeros.
    expect(await page.locator('#fiche [data-chart="etat-civil"]').innerText()).toContain('Non disponible');

    await page.goto(`${origin}/?commune=01001`);
    await page.waitForSelector('#fiche[data-state="ready"]', { timeout: 30_000 });
    const births = page.locator('#fiche [data-chart="etat-civil-naissances"]');
    expect(await births.locator('li.barre').count()).toBe(10);
    expect(await births.locator('.source').innerText()).toMatch(/INSEE.*millésime 2024/);
    expect(await page.locator('#fiche [data-chart="etat-civil-deces"]').innerText()).toContain('DS_ETAT_CIVIL_DECES_COMMUNES');
    expect(await page.locator('#fiche [data-chart="budget"]').innerText()).toContain('Non disponible');
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-transparence.png'), fullPage: true });
    await page.context().close();
  });

  it('loaded nothing from outside this origin and raised no script error', () => {
    expect(requested.length).toBeGreaterThan(20);
    const foreign = requested.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('about:'));
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
