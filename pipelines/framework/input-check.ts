/**
 * The integrity of a run's input files, checked by the framework before the
 * source reads them, so that a broken download or a wrong `--input` stops the
 * run with the source, the file and the problem named — not with whatever a
 * decompressor or a CSV reader says halfway through (a gzip cut mid-stream
 * otherwise surfaces as a short line, far from its cause).
 *
 * gzip: decompressed to the end (every member), which checks the length and the
 * CRC of each member. zip / 7z: their directory is listed, which a truncated
 * archive fails (both keep it at the end); a member whose data is corrupt is
 * named when it is unpacked (archive.ts).
 */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import _7z from '7zip-min';
import { SourceError } from './errors.js';
import { describeSevenZipFailure, sniffFormat } from './geo/archive.js';

async function gunzipProblem(file: string): Promise<string | undefined> {
  try {
    await pipeline(createReadStream(file), createGunzip({ chunkSize: 1 << 20 }), new Writable({ write: (_chunk, _enc, done) => done() }));
    return undefined;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message)) return 'archive tronquée : le flux gzip s\'arrête avant sa fin (téléchargement incomplet ?)';
    if (/incorrect data check/i.test(message)) return 'archive corrompue : somme de contrôle (CRC) gzip incorrecte';
    if (/incorrect length check/i.test(message)) return 'archive corrompue : longueur déclarée par le gzip incorrecte';
    return `archive gzip corrompue (${message})`;
  }
}

async function sevenZipListProblem(file: string, kind: 'zip' | '7z'): Promise<string | undefined> {
  try {
    await new Promise<void>((resolve, reject) => _7z.cmd(['l', file], (err) => (err ? reject(err) : resolve())));
    return undefined;
  } catch (error) {
    return describeSevenZipFailure(kind, error);
  }
}

/** Throws a SourceError naming `sourceId`, the file and what is wrong with it. */
export async function checkInputFile(sourceId: string, file: string, shownAs = basename(file)): Promise<void> {
  const info = statSync(file, { throwIfNoEntry: false });
  if (!info) throw new SourceError(sourceId, shownAs, 'fichier introuvable');
  if (info.isDirectory()) throw new SourceError(sourceId, shownAs, 'est un dossier, pas un fichier : donnez le fichier de la source lui-même');
  if (info.size === 0) throw new SourceError(sourceId, shownAs, 'fichier vide (0 octet)');
  const format = sniffFormat(file);
  const problem = format === 'gzip' ? await gunzipProblem(file)
    : format === 'zip' || format === '7z' ? await sevenZipListProblem(file, format)
      : /\.(gz|zip|7z)$/i.test(file) ? `n'est pas une archive ${/\.gz$/i.test(file) ? 'gzip' : file.slice(file.lastIndexOf('.') + 1)} (signature absente : fichier tronqué au début ou d'un autre format)` : undefined;
  if (problem) throw new SourceError(sourceId, shownAs, problem);
}
