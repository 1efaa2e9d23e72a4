import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { registryEntry } from '../../tests/helpers/run-pipeline.js';
import { sourceFiles } from './inputs.js';

describe('sourceFiles of a sample run', () => {
  it('leaves the illustrative files of a partly illustrative source out and keeps its real excerpt', async () => {
    const def = registryEntry('etat-civil-insee');
    expect(def.fichiersIllustratifs.length).toBeGreaterThan(0);
    const { files, scope } = await sourceFiles(def, {
      sample: true, departements: [], projectRoot: join(import.meta.dirname, '../..'), fetch: { cacheDir: '/nonexistent', allowedHosts: [], maxBytes: 1 },
      allDepartements: () => [], apiKeys: () => ({ commune: [], epci: [] }),
    }, { update() {} });
    expect(scope).toBe('sample');
    const names = files.map((f) => f.path.slice(f.path.indexOf('samples/')));
    expect(names).toEqual(def.echantillon.filter((p) => !def.fichiersIllustratifs.includes(p)));
    expect(names.some((n) => n.includes('NAIS_COMMUNES_data'))).toBe(true);
  });
});
