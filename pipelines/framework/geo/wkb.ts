/**
 * Well-Known Binary → GeoJSON geometry, and the GeoPackage binary header that
 * wraps it (OGC 12-128r18 §2.1.3). Z and M values are read and dropped: the
 * service publishes 2D geometry.
 */

export class WkbError extends Error {}

interface Cursor {
  view: DataView;
  offset: number;
}

/** GeoPackage geometry blob → { srsId, geometry } (geometry null for an empty one). */
export function parseGpkgGeometry(blob: Uint8Array): { srsId: number; geometry: GeoJSON.Geometry | null } {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) throw new WkbError('en-tête GeoPackage absent (octets « GP » attendus)');
  const flags = blob[3];
  if (flags & 0b0010_0000) throw new WkbError('géométrie GeoPackage « extended » non prise en charge');
  const littleEndian = (flags & 1) === 1;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const srsId = view.getInt32(4, littleEndian);
  const envelope = (flags >> 1) & 0b111;
  const envelopeBytes = [0, 32, 48, 48, 64][envelope];
  if (envelopeBytes === undefined) throw new WkbError(`indicateur d'enveloppe invalide: ${envelope}`);
  const empty = (flags & 0b1_0000) !== 0;
  const start = 8 + envelopeBytes;
  if (empty) return { srsId, geometry: null };
  const geometry = parseWkb(blob.subarray(start));
  return { srsId, geometry: isEmpty(geometry) ? null : geometry };
}

export function parseWkb(bytes: Uint8Array): GeoJSON.Geometry {
  const cursor: Cursor = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  return readGeometry(cursor);
}

function readGeometry(c: Cursor): GeoJSON.Geometry {
  const order = c.view.getUint8(c.offset);
  if (order > 1) throw new WkbError(`ordre d'octets WKB invalide: ${order}`);
  const le = order === 1;
  let type = c.view.getUint32(c.offset + 1, le);
  c.offset += 5;
  // EWKB flags (PostGIS) and ISO offsets (1000 Z, 2000 M, 3000 ZM).
  let dims = 2;
  if (type & 0x20000000) {
    c.offset += 4; // SRID
  }
  if (type & 0x80000000) dims++;
  if (type & 0x40000000) dims++;
  type &= 0x0fffffff;
  if (type >= 1000) {
    const iso = Math.floor(type / 1000);
    dims = iso === 3 ? 4 : 3;
    type %= 1000;
  }
  const point = (): GeoJSON.Position => {
    const x = c.view.getFloat64(c.offset, le);
    const y = c.view.getFloat64(c.offset + 8, le);
    c.offset += 8 * dims;
    return [x, y];
  };
  const count = () => {
    const n = c.view.getUint32(c.offset, le);
    c.offset += 4;
    return n;
  };
  const points = () => Array.from({ length: count() }, point);
  const rings = () => Array.from({ length: count() }, points);
  switch (type) {
    case 1: return { type: 'Point', coordinates: point() };
    case 2: return { type: 'LineString', coordinates: points() };
    case 3: return { type: 'Polygon', coordinates: rings() };
    case 4: return { type: 'MultiPoint', coordinates: Array.from({ length: count() }, () => (readGeometry(c) as GeoJSON.Point).coordinates) };
    case 5: return { type: 'MultiLineString', coordinates: Array.from({ length: count() }, () => (readGeometry(c) as GeoJSON.LineString).coordinates) };
    case 6: {
      const n = count();
      const polygons: GeoJSON.Position[][][] = [];
      for (let i = 0; i < n; i++) {
        const g = readGeometry(c);
        if (g.type !== 'Polygon') throw new WkbError(`MultiPolygon contenant un ${g.type}`);
        polygons.push(g.coordinates);
      }
      return { type: 'MultiPolygon', coordinates: polygons };
    }
    case 7: return { type: 'GeometryCollection', geometries: Array.from({ length: count() }, () => readGeometry(c)) };
    default: throw new WkbError(`type de géométrie WKB non pris en charge: ${type}`);
  }
}

function isEmpty(g: GeoJSON.Geometry): boolean {
  if (g.type === 'GeometryCollection') return g.geometries.length === 0;
  if (g.type === 'Point') return g.coordinates.some((v) => Number.isNaN(v));
  return g.coordinates.length === 0;
}
