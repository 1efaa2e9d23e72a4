/** Reads a ZIP (yauzl) into its entries, in archive order, with their DOS dates. */
import yauzl from 'yauzl';

export interface UnzippedEntry { path: string; text: string; bytes: Buffer; date: Date; compressed: boolean }

export function unzip(buffer: Buffer): Promise<UnzippedEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const entries: UnzippedEntry[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            const bytes = Buffer.concat(chunks);
            entries.push({ path: entry.fileName, bytes, text: bytes.toString('utf8'), date: entry.getLastModDate(), compressed: entry.compressionMethod === 8 });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
