/**
 * IGN products come as .7z, the QPV as .zip: both are unpacked with the 7-Zip
 * binary shipped by 7zip-bin (through 7zip-min) into the run's scratch folder.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import _7z from '7zip-min';

export function isArchive(file: string): boolean {
  return /\.(7z|zip)$/i.test(file);
}

/** Unpacks `archive` into a new folder under `workDir` and returns that folder. */
export async function extractArchive(archive: string, workDir: string): Promise<string> {
  const target = join(workDir, `${basename(archive).replace(/[^\w.-]+/g, '_')}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
  mkdirSync(target, { recursive: true });
  await _7z.unpack(archive, target);
  return target;
}

/** Files under `dir` (recursively) whose name matches, sorted by path. */
export function findFiles(dir: string, match: (name: string, path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (match(name, p)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * The files a pipeline reads from its inputs: archives are unpacked and
 * searched, other files kept when they match.
 */
export async function expandInputs(files: string[], workDir: string, match: (name: string, path: string) => boolean): Promise<{ file: string; from: string }[]> {
  const out: { file: string; from: string }[] = [];
  for (const f of files) {
    if (isArchive(f)) {
      const dir = await extractArchive(f, workDir);
      for (const inner of findFiles(dir, match)) out.push({ file: inner, from: f });
    } else if (match(basename(f), f)) {
      out.push({ file: f, from: f });
    }
  }
  return out;
}
