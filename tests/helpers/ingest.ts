/** Ingestion as the CLI runs it, on a given store, quiet and offline. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { PROJECT_ROOT } from '../../src/config.js';
import type { Store } from '../../src/db/client.js';
import { loadRegistry, type SourceDefinition } from '../../src/contract/registry.js';
import { ingest, type IngestOptions } from '../../pipelines/framework/run.js';

export const registry: SourceDefinition[] = loadRegistry(join(PROJECT_ROOT, 'data-sources.yaml'));

export function ingestForTest(store: Store, options: Partial<IngestOptions> & { sources: string[] }) {
  return ingest({
    store,
    registry,
    logger: pino({ level: 'silent' }),
    projectRoot: PROJECT_ROOT,
    cacheDir: join(mkdtempSync(join(tmpdir(), 'dotation-cache-')), 'cache'),
    progress: { forSource: () => ({ update() {} }), stop() {} },
    ...options,
  });
}
