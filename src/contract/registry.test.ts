import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../config.js';
import { loadRegistry, parseRegistry, RegistryError } from './registry.js';
import { REFERENTIAL_SOURCE } from '../../pipelines/framework/referential/step.js';

const registry = loadRegistry(join(PROJECT_ROOT, 'data-sources.yaml'));

describe('data-sources.yaml', () => {
  it('declares every source with a pipeline folder, and every pipeline folder is used', () => {
    const folders = readdirSync(join(PROJECT_ROOT, 'pipelines'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'framework').map((d) => d.name);
    // The referential is the framework's own step (pipelines/framework/referential), not a source folder.
    const used = new Set(registry.filter((s) => s.id !== REFERENTIAL_SOURCE).map((s) => s.pipeline ?? s.id));
    for (const folder of used) expect(folders, `pipelines/${folder}`).toContain(folder);
    for (const folder of folders) expect([...used], `pipelines/${folder} has no registry entry`).toContain(folder);
  });

  it('bundles every declared sample, so that the offline release can be built', () => {
    for (const source of registry) for (const file of source.echantillon) expect(existsSync(join(PROJECT_ROOT, file)), file).toBe(true);
  });

  it('names the entry and the field of a bad entry', () => {
    const good = registry[0];
    const text = (patch: object) => JSON.stringify({ sources: [good, { ...good, id: 'cassee', ...patch }] });
    expect(() => parseRegistry(text({ finalite: 'Divertissement' }))).toThrow(/source « cassee », champ « finalite »/);
    expect(() => parseRegistry(text({ urls: ['pas une url'] }))).toThrow(/source « cassee », champ « urls.0 »/);
    expect(() => parseRegistry(text({ lignesAttendues: { min: 10, max: 1 } }))).toThrow(RegistryError);
    expect(() => parseRegistry(JSON.stringify({ sources: [good, good] }))).toThrow(/déclarée deux fois/);
    expect(() => parseRegistry(text({ inconnu: 1 }))).toThrow(/cassee/);
    expect(() => parseRegistry(text({ fichiersIllustratifs: ['samples/ailleurs.csv'] }))).toThrow(/champ « fichiersIllustratifs »/);
  });
});
