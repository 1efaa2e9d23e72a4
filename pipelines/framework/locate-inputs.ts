/**
 * Finds a source's files among its inputs when the producer ships them inside a
 * zip (the INSEE comparateur) or they are given directly (sample release,
 * `--input`). Files are recognised by the first cell of their header, not by
 * their name, which changes with editions; zips by their signature, because
 * cached downloads do not keep the `.zip` name.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SourceError } from './errors.js';
import { readFirstLines, splitLine } from './csv-header.js';
import { ArchiveError, sniffFormat, unpackArchive } from './geo/archive.js';

/** The inputs with every zip replaced by its `.csv` members (sorted by path inside the zip). */
export async function expandZippedCsv(sourceId: string, files: string[], workDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const [i, file] of files.entries()) {
    if (sniffFormat(file) !== 'zip') { out.push(file); continue; }
    const target = join(workDir, `${sourceId}-${i}`);
    mkdirSync(target, { recursive: true });
    try {
      await unpackArchive(file, target);
    } catch (e) {
      throw e instanceof ArchiveError ? new SourceError(sourceId, e.file, e.problem) : e;
    }
    for (const name of readdirSync(target, { recursive: true, encoding: 'utf8' }).sort()) {
      const path = join(target, name);
      if (statSync(path).isFile() && /\.csv$/i.test(name)) out.push(path);
    }
  }
  return out;
}

/** A file the source needs: the first cell of its header, and the problem to report when no input has it. */
export interface HeaderRole { firstColumn: string; missing: string }
export interface LocatedFile { path: string; name: string }

/**
 * For each role, the first input (zips expanded) whose header starts with its
 * column; roles are checked in declaration order and a missing one stops the
 * run, naming every input.
 */
export async function locateByHeader<K extends string>(
  sourceId: string, files: string[], workDir: string, roles: Record<K, HeaderRole>, delimiter = ';',
): Promise<Record<K, LocatedFile>> {
  const candidates = await expandZippedCsv(sourceId, files, workDir);
  const entries = Object.entries(roles) as [K, HeaderRole][];
  const found = new Map<K, string>();
  for (const path of candidates) {
    const [head] = readFirstLines(path, 1);
    const first = splitLine(head ?? '', delimiter)[0]?.trim();
    const role = entries.find(([key, r]) => r.firstColumn === first && !found.has(key));
    if (role) found.set(role[0], path);
  }
  const names = files.map((f) => basename(f)).join(', ');
  const out = {} as Record<K, LocatedFile>;
  for (const [key, role] of entries) {
    const path = found.get(key);
    if (!path) throw new SourceError(sourceId, names, role.missing, 1, role.firstColumn);
    out[key] = { path, name: basename(path) };
  }
  return out;
}
