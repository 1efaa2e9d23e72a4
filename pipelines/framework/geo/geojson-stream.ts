/**
 * Streams the features of a GeoJSON FeatureCollection (plain or .gz) one at a
 * time, so that a national file (communes at 5 m precision is ≈ 1 GB) never
 * sits whole in memory. Top-level members other than `features` (`crs`,
 * `name`, `type`) are parsed and exposed in `members`.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';

export class GeoJsonFormatError extends Error {
  constructor(readonly file: string, message: string, readonly featureIndex?: number) {
    super(`${file}${featureIndex !== undefined ? `, entité ${featureIndex}` : ''}: ${message}`);
  }
}

export class GeoJsonFeatureReader {
  /** Top-level members seen so far (complete for those written before `features`). */
  readonly members: Record<string, unknown> = {};
  /** Number of features yielded. */
  count = 0;

  constructor(readonly path: string, private readonly options: { highWaterMark?: number } = {}) {}

  async *features(): AsyncGenerator<GeoJSON.Feature> {
    const input = createReadStream(this.path, { highWaterMark: this.options.highWaterMark });
    const source = /\.gz$/i.test(this.path) ? input.pipe(createGunzip()) : input;
    const decoder = new StringDecoder('utf8');

    let depth = 0;
    let inString = false;
    let escape = false;
    let expectKey = false;
    let readingKey = false;
    let key = '';
    let currentKey = '';
    let inFeatures = false;
    let sawFeatures = false;
    let capture: 'feature' | 'member' | null = null;
    let buffer = '';
    let first = true;

    const emitMember = (text: string) => {
      const t = text.trim();
      try {
        this.members[currentKey] = JSON.parse(t);
      } catch {
        throw new GeoJsonFormatError(this.path, `membre « ${currentKey} » illisible`);
      }
    };

    for await (const raw of source as AsyncIterable<Buffer>) {
      let chunk = decoder.write(raw);
      if (first) {
        chunk = chunk.replace(/^\uFEFF/, '');
        first = false;
      }
      let from = 0;
      const pending: GeoJSON.Feature[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const ch = chunk.charCodeAt(i);
        if (inString) {
          if (readingKey && !(ch === 0x22 && !escape)) key += chunk[i];
          if (escape) escape = false;
          else if (ch === 0x5c) escape = true;
          else if (ch === 0x22) {
            inString = false;
            if (readingKey) {
              readingKey = false;
              currentKey = key;
            }
          }
          continue;
        }
        switch (ch) {
          case 0x22: // "
            inString = true;
            if (depth === 1 && expectKey) {
              readingKey = true;
              expectKey = false;
              key = '';
            }
            break;
          case 0x7b: // {
          case 0x5b: // [
            if (depth === 0 && ch !== 0x7b) throw new GeoJsonFormatError(this.path, 'un objet GeoJSON (FeatureCollection) est attendu');
            if (depth === 1 && ch === 0x5b && currentKey === 'features' && capture === 'member') {
              // `features` is streamed rather than captured.
              capture = null;
              inFeatures = true;
              sawFeatures = true;
            } else if (depth === 2 && inFeatures && ch === 0x7b) {
              capture = 'feature';
              buffer = '';
              from = i;
            }
            depth++;
            if (depth === 1) expectKey = true;
            break;
          case 0x7d: // }
          case 0x5d: // ]
            depth--;
            if (depth === 2 && capture === 'feature' && ch === 0x7d) {
              const text = buffer + chunk.slice(from, i + 1);
              buffer = '';
              capture = null;
              let feature: GeoJSON.Feature;
              try {
                feature = JSON.parse(text) as GeoJSON.Feature;
              } catch {
                throw new GeoJsonFormatError(this.path, 'entité illisible', this.count + pending.length + 1);
              }
              pending.push(feature);
            } else if (depth === 1 && inFeatures && ch === 0x5d) {
              inFeatures = false;
            } else if (depth === 0 && capture === 'member') {
              emitMember(buffer + chunk.slice(from, i));
              capture = null;
              buffer = '';
            }
            break;
          case 0x3a: // :
            if (depth === 1) {
              capture = 'member';
              buffer = '';
              from = i + 1;
            }
            break;
          case 0x2c: // ,
            if (depth === 1) {
              if (capture === 'member') emitMember(buffer + chunk.slice(from, i));
              capture = null;
              buffer = '';
              expectKey = true;
            }
            break;
        }
      }
      if (capture) buffer += chunk.slice(from);
      from = 0;
      for (const f of pending) {
        this.count++;
        yield f;
      }
    }
    if (depth !== 0 || inString) throw new GeoJsonFormatError(this.path, 'fichier tronqué (objet JSON non refermé)');
    if (!sawFeatures) throw new GeoJsonFormatError(this.path, 'membre « features » absent: une FeatureCollection est attendue');
  }
}

/**
 * EPSG code declared by an old-style `crs` member (GeoJSON 2008), e.g.
 * `urn:ogc:def:crs:EPSG::2154`; undefined for RFC 7946 files (WGS84).
 */
export function declaredEpsg(members: Record<string, unknown>): number | undefined {
  const crs = members.crs as { properties?: { name?: string } } | undefined;
  const name = crs?.properties?.name;
  if (!name) return undefined;
  if (/CRS84$/i.test(name)) return 4326;
  const m = /EPSG:+(\d+)$/i.exec(name);
  return m ? Number(m[1]) : undefined;
}
