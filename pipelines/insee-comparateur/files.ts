/**
 * Finds the two CSVs of the comparateur: inside the INSEE zip
 * (`base_cc_comparateur.CSV` + `meta_base_cc_comparateur.CSV`), or given
 * directly (sample release, `--input`). Files are recognised by their header
 * (`CODGEO` first / `COD_VAR` first), not by their name, which changes with editions.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import _7z from '7zip-min';
import { SourceError } from '../framework/errors.js';
import { readFirstLines, splitLine } from '../framework/csv-header.js';


export interface ComparateurFiles {
  data: string;
  meta: string;
  /** Name shown in errors and provenance (the member name for a zip). */
  dataName: string;
  metaName: string;
}

/** Zip archives are recognised by their signature: cached downloads may not keep the `.zip` name. */
export function isZip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const magic = Buffer.alloc(4);
    const n = readSync(fd, magic, 0, 4, 0);
    return n === 4 && magic.readUInt32LE(0) === 0x04034b50;
  } finally {
    closeSync(fd);
  }
}

async function expand(sourceId: string, files: string[], workDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const [i, file] of files.entries()) {
    if (!isZip(file)) { out.push(file); continue; }
    const target = join(workDir, `${sourceId}-${i}`);
    mkdirSync(target, { recursive: true });
    try {
      await _7z.unpack(file, target);
    } catch (e) {
      throw new SourceError(sourceId, basename(file), `archive zip illisible (${(e as Error).message.split('\n')[0]})`);
    }
    for (const name of readdirSync(target, { recursive: true, encoding: 'utf8' }).sort()) {
      const path = join(target, name);
      if (statSync(path).isFile() && /\.csv$/i.test(name)) out.push(path);
    }
  }
  return out;
}

export async function locateFiles(sourceId: string, files: string[], workDir: string): Promise<ComparateurFiles> {
  const candidates = await expand(sourceId, files, workDir);
  let data: string | undefined;
  let meta: string | undefined;
  for (const path of candidates) {
    const [head] = readFirstLines(path, 1);
    const first = splitLine(head ?? '')[0]?.trim();
    if (first === 'CODGEO' && !data) data = path;
    else if (first === 'COD_VAR' && !meta) meta = path;
  }
  const names = files.map((f) => basename(f)).join(', ');
  if (!data) throw new SourceError(sourceId, names, 'aucun fichier de données du comparateur (en-tête commençant par CODGEO)', 1, 'CODGEO');
  if (!meta) throw new SourceError(sourceId, names, 'dictionnaire des variables absent (fichier meta_… commençant par COD_VAR)', 1, 'COD_VAR');
  return { data, meta, dataName: basename(data), metaName: basename(meta) };
}
