/** The bytes the API serves on a set of URLs: what "the served release stays byte-identical" compares. */
import type { Store } from '../../src/db/client.js';
import { createApp } from '../../src/app.js';
import { registry } from './ingest.js';

/** URLs that read every layer of a release: pointer, loads' provenance, COG, commune datasets, bulk addresses. */
export const SERVED_URLS = [
  '/releases/current',
  '/sources',
  '/commune/05006/dotation',
  '/commune/05006/datasets/ban.csv',
  '/commune/35238/dotation',
  '/departement/05',
];

export async function servedBytes(store: Store, urls: readonly string[] = SERVED_URLS): Promise<Record<string, { status: number; body: string }>> {
  const app = createApp({ store, registry, releaseCheckMs: 0 });
  const out: Record<string, { status: number; body: string }> = {};
  for (const url of urls) {
    const res = await app.request(url);
    out[url] = { status: res.status, body: await res.text() };
  }
  return out;
}
