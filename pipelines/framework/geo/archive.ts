/**
 * IGN products come as .7z, the QPV as .zip: both are unpacked with the 7-Zip
 * binary shipped by 7zip-bin (through 7zip-min) into the run's scratch folder.
 */
import { closeSync, mkdirSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import _7z from '7zip-min';

export type SniffedFormat = '7z' | 'zip' | 'gzip' | 'sqlite' | 'shp' | 'json' | 'parquet' | 'unknown';

/**
 * The format of a file from its first bytes: downloads may be cached under a
 * name without extension (data.gouv `…/datasets/r/<uuid>` resources).
 */
export function sniffFormat(file: string): SniffedFormat {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(64);
  let n: number;
  try {
    n = readSync(fd, head, 0, 64, 0);
  } finally {
    closeSync(fd);
  }
  const b = head.subarray(0, n);
  if (b.length >= 6 && b[0] === 0x37 && b[1] === 0x7a && b[2] === 0xbc && b[3] === 0xaf && b[4] === 0x27 && b[5] === 0x1c) return '7z';
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return 'zip';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'sqlite';
  if (b.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  if (b.length >= 4 && b.readUInt32BE(0) === 9994) return 'shp';
  const text = b.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return 'json';
  return 'unknown';
}

export function isArchive(file: string): boolean {
  if (/\.(7z|zip)$/i.test(file)) return true;
  const f = sniffFormat(file);
  return f === '7z' || f === 'zip';
}

/** What 7-Zip's own report says is wrong with an archive, in French (its exit code alone says nothing). */
export function describeSevenZipFailure(kind: string, error: unknown): string {
  const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
  const lines = `${stderr}\n${stdout}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const find = (pattern: RegExp) => lines.find((l) => pattern.test(l));
  const truncated = find(/Unexpected end of (archive|data)|Headers Error/i);
  if (truncated) return `archive ${kind} tronquée (7-Zip : « ${truncated} »)`;
  const corrupt = find(/Data Error|CRC Failed/i);
  if (corrupt) return `archive ${kind} corrompue : contrôle CRC en échec sur ${corrupt.split(' : ').slice(1).join(' : ') || corrupt}`;
  if (find(/Can ?not open the file as/i)) return `archive ${kind} illisible : 7-Zip ne la reconnaît pas comme archive`;
  return `archive ${kind} illisible (7-Zip : « ${find(/ERROR/i) ?? message} »)`;
}

/** A member of an archive could not be unpacked: the framework names the source with it. */
export class ArchiveError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'ArchiveError';
  }
}

/** Unpacks `archive` into `target`, a failure named by what 7-Zip reports. */
export async function unpackArchive(archive: string, target: string): Promise<void> {
  try {
    await _7z.unpack(archive, target);
  } catch (error) {
    throw new ArchiveError(basename(archive), describeSevenZipFailure(sniffFormat(archive), error));
  }
}

/** Unpacks `archive` into a new folder under `workDir` and returns that folder. */
export async function extractArchive(archive: string, workDir: string): Promise<string> {
  const target = join(workDir, `${basename(archive).replace(/[^\w.-]+/g, '_')}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
  mkdirSync(target, { recursive: true });
  await unpackArchive(archive, target);
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
