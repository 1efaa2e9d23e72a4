/**
 * On-disk layout of the download cache.
 *
 * For a URL whose key is `k` (a hash of the URL):
 *   k.tmp        bytes being downloaded (kept after a cut transfer, to resume with Range)
 *   k.tmp.json   validators of the partial download, sent back as If-Range
 *   k<ext>       the complete file; the extension (.csv, .zip, .csv.gz…) is kept for
 *                readers that look at it
 *   k.meta.json  the sidecar: url, file, sha256, bytes, retrievedAt, etag, lastModified
 * The sidecar is written last: a data file without a matching sidecar is not a cache hit.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

export interface CacheEntry {
  url: string;
  /** Name of the data file inside the cache directory. */
  file: string;
  sha256: string;
  bytes: number;
  retrievedAt: string;
  etag?: string;
  lastModified?: string;
}

export interface PartialInfo {
  url: string;
  etag?: string;
  lastModified?: string;
}

export interface CachePaths {
  dir: string;
  key: string;
  tmp: string;
  partial: string;
  meta: string;
}

export function cachePaths(cacheDir: string, url: string): CachePaths {
  const key = createHash('sha256').update(url).digest('hex').slice(0, 32);
  return {
    dir: cacheDir,
    key,
    tmp: join(cacheDir, `${key}.tmp`),
    partial: join(cacheDir, `${key}.tmp.json`),
    meta: join(cacheDir, `${key}.meta.json`),
  };
}

/** The cached entry for `url`, if its sidecar is readable and its data file has the recorded size. */
export async function readEntry(paths: CachePaths, url: string): Promise<CacheEntry | undefined> {
  const entry = await readJson<CacheEntry>(paths.meta);
  if (!entry || entry.url !== url || typeof entry.file !== 'string' || basename(entry.file) !== entry.file) return undefined;
  const size = await fileSize(join(paths.dir, entry.file));
  return size === entry.bytes ? entry : undefined;
}

export async function writeEntry(paths: CachePaths, entry: CacheEntry): Promise<void> {
  await writeJsonAtomically(paths.meta, entry);
}

/** Removes a complete entry (sidecar first, so a crash never leaves a sidecar without its file). */
export async function removeEntry(paths: CachePaths, entry?: CacheEntry): Promise<void> {
  await rm(paths.meta, { force: true });
  if (entry) await rm(join(paths.dir, entry.file), { force: true });
}

export async function readPartial(paths: CachePaths, url: string): Promise<{ size: number; info?: PartialInfo }> {
  const size = (await fileSize(paths.tmp)) ?? 0;
  const info = await readJson<PartialInfo>(paths.partial);
  return { size, info: info?.url === url ? info : undefined };
}

export async function writePartial(paths: CachePaths, info: PartialInfo): Promise<void> {
  await writeJsonAtomically(paths.partial, info);
}

export async function discardPartial(paths: CachePaths): Promise<void> {
  await rm(paths.tmp, { force: true });
  await rm(paths.partial, { force: true });
}

/** Moves the finished `.tmp` into place and returns the data file name. */
export async function promotePartial(paths: CachePaths, suffix: string): Promise<string> {
  const file = paths.key + suffix;
  await rename(paths.tmp, join(paths.dir, file));
  await rm(paths.partial, { force: true });
  return file;
}

/** A sha256 fed with the whole file, streamed; left open so that more bytes can follow. */
export async function hashFile(path: string, hash: Hash = createHash('sha256')): Promise<Hash> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

const COMPRESSED = new Set(['.gz', '.bz2', '.xz', '.zst', '.br']);
const RESERVED = new Set(['.tmp', '.meta']);

/**
 * The extension worth keeping from a file name or URL path: `.csv`, `.zip`,
 * or a double one for compressed files (`.csv.gz`). Empty when there is none.
 */
export function fileSuffix(name: string): string {
  const last = /(\.[a-z0-9]{1,6})$/i.exec(name)?.[1]?.toLowerCase();
  if (!last || RESERVED.has(last)) return '';
  if (!COMPRESSED.has(last)) return last;
  const inner = /(\.[a-z0-9]{1,6})\.[a-z0-9]{1,6}$/i.exec(name)?.[1]?.toLowerCase();
  return inner && !RESERVED.has(inner) ? inner + last : last;
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.part`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
  await rename(tmp, path);
}
