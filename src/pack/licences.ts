/**
 * The licence texts a pack carries, read once from `src/pack/licences/` (the
 * official titles and reference URLs head each file).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceDefinition } from '../contract/registry.js';

export type LicenceId = SourceDefinition['licence']['id'];

const DIR = join(import.meta.dirname, 'licences');
const texts = new Map<LicenceId, string>();

export const LICENCE_FILES: Record<LicenceId, string> = {
  'etalab-2.0': 'LICENCES/licence-ouverte-2.0.md',
  'odbl-1.0': 'LICENCES/odbl-1.0.md',
  mit: 'LICENCES/mit.md',
};

export function licenceText(id: LicenceId): string {
  let text = texts.get(id);
  if (text === undefined) {
    text = readFileSync(join(DIR, `${id}.md`), 'utf8');
    texts.set(id, text);
  }
  return text;
}
