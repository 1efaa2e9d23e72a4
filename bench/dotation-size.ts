/**
 * Size of a commune's dotation as served (lean, and with `?detail=complet`),
 * identity, gzip and brotli, at the compression levels the app uses.
 *   npx tsx bench/dotation-size.ts [code…]   (default: 35238, Rennes)
 */
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/db/client.js';
import { loadRegistry } from '../src/contract/registry.js';

const config = loadConfig();
const store = await openStore(config);
const app = createApp({ store, registry: loadRegistry(join(config.projectRoot, 'data-sources.yaml')) });
const size = async (path: string, encoding: string) => (await (await app.request(path, { headers: { 'accept-encoding': encoding } })).arrayBuffer()).byteLength;
console.log('document'.padEnd(44), 'octets'.padStart(8), 'gzip'.padStart(8), 'brotli'.padStart(8));
for (const code of process.argv.slice(2).length ? process.argv.slice(2) : ['35238']) {
  for (const path of [`/commune/${code}/dotation`, `/commune/${code}/dotation?detail=complet`]) {
    const [identity, gzip, br] = [await size(path, 'identity'), await size(path, 'gzip'), await size(path, 'br')];
    console.log(path.padEnd(44), String(identity).padStart(8), String(gzip).padStart(8), String(br).padStart(8));
  }
}
await store.close();
