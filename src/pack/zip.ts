/**
 * A streamed, deterministic ZIP: entries are written one after the other as
 * they are produced (yazl pulls each lazily, so only one entry's current chunk
 * is ever held), every entry carries the same fixed date (the release's) and
 * mode, and the order is the caller's. Same release → same bytes.
 */
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';

export interface ZipEntry {
  path: string;
  /** Small entries are given whole; large ones as a chunk generator started when their turn comes. */
  content: string | (() => AsyncIterable<string | Uint8Array>);
}

/**
 * yazl writes DOS dates from the local-time fields of a Date: build the Date
 * whose local fields are the UTC fields of `date`, so that the bytes do not
 * depend on the server's time zone.
 */
function dosStable(date: Date): Date {
  return new Date(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds());
}

async function* asBuffers(chunks: AsyncIterable<string | Uint8Array>): AsyncIterable<Buffer> {
  for await (const chunk of chunks) if (chunk.length) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

export function zipStream(entries: ZipEntry[], date: Date): Readable {
  const zip = new ZipFile();
  const options = { mtime: dosStable(date), mode: 0o100644, forceDosTimestamp: true, compress: true };
  const output = zip.outputStream as Readable;
  for (const entry of entries) {
    if (typeof entry.content === 'string') {
      zip.addBuffer(Buffer.from(entry.content, 'utf8'), entry.path, options);
    } else {
      const produce = entry.content;
      zip.addReadStreamLazy(entry.path, options, (cb) => {
        const stream = Readable.from(asBuffers(produce()), { objectMode: false });
        // yazl does not forward a source error: end the archive with it rather than hang.
        stream.on('error', (error) => output.destroy(error));
        cb(null, stream);
      });
    }
  }
  zip.end();
  return output;
}
