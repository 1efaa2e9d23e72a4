/**
 * From a plan to the ZIP's entries, in a fixed order: README.md,
 * datapackage.json, the licence texts, the identity file, the extra files,
 * then each dataset's files in registry order.
 */
import type { Readable } from 'node:stream';
import { dataPackage, licencesOf, readme } from './describe.js';
import { LICENCE_FILES, licenceText } from './licences.js';
import type { PackPlan } from './plan.js';
import { zipStream, type ZipEntry } from './zip.js';

export function packEntries(plan: PackPlan): ZipEntry[] {
  return [
    { path: 'README.md', content: readme(plan) },
    { path: 'datapackage.json', content: `${JSON.stringify(dataPackage(plan), null, 2)}\n` },
    ...licencesOf(plan).map(({ id }) => ({ path: LICENCE_FILES[id], content: licenceText(id) })),
    { path: plan.identity.path, content: plan.identity.chunks },
    ...(plan.extra ?? []).map((f) => ({ path: f.path, content: f.chunks })),
    ...plan.datasets.flatMap((ds) => ds.files.map((f) => ({ path: f.path, content: f.chunks }))),
  ];
}

export function packZip(plan: PackPlan): Readable {
  return zipStream(packEntries(plan), new Date(plan.release.date));
}

export function packFilename(plan: PackPlan): string {
  return `dotation-${plan.kind}-${plan.code}-${plan.release.id}.zip`;
}
