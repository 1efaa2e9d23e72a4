/**
 * `/commune/{code}/datasets/ban.csv` and `.geojson`: the commune's addresses
 * streamed from the release-scoped table `ban_adresses` (pipelines/ban), page
 * by page in `id` order on the (load_id, code_insee, id) index, so that a
 * large commune never sits whole in memory. The CSV is the BAN legacy export
 * itself (same header, `;`, same quoting); the GeoJSON has one Point per address.
 */
import type { Store } from '../db/client.js';
import { csvLine } from '../db/csv.js';
import { BAN_COLUMNS, BAN_HEADER } from '../contract/ban.js';
import { BAN_TABLE } from '../db/schema.js';

const PAGE = 5000;
const SELECT = BAN_COLUMNS.join(', ');
const PROPERTIES = BAN_COLUMNS.filter((c) => !['x', 'y', 'lon', 'lat'].includes(c));

/** Whether a load's addresses live in the bulk table (its pipeline says so in its metadata). */
export function isAddressLoad(metadata: unknown): boolean {
  return (metadata as { table?: unknown } | null)?.table === BAN_TABLE;
}

/** The file's codes whose addresses make up this commune's (itself, former codes, arrondissements for Paris/Lyon/Marseille). */
export function addressCodes(data: Record<string, unknown>, code: string): string[] {
  const codes = Array.isArray(data.codesSource) ? (data.codesSource as unknown[]).map(String) : [];
  return codes.length ? [...new Set(codes)].sort() : [code];
}

type AddressRow = Record<(typeof BAN_COLUMNS)[number], string | null>;

function feature(row: AddressRow): string {
  const lon = row.lon === null ? NaN : Number(row.lon);
  const lat = row.lat === null ? NaN : Number(row.lat);
  const properties: Record<string, string | null> = {};
  for (const c of PROPERTIES) properties[c] = row[c];
  return JSON.stringify({
    type: 'Feature',
    geometry: Number.isFinite(lon) && Number.isFinite(lat) ? { type: 'Point', coordinates: [lon, lat] } : null,
    properties,
  });
}

export function streamAddresses(store: Store, loadId: number, codes: string[], format: 'csv' | 'geojson', page = PAGE): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let codeIndex = 0;
  let lastId = '';
  let lastRow = '(0,0)';
  let started = false;
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(format === 'csv' ? `${BAN_HEADER}\n` : '{"type":"FeatureCollection","features":['));
        return;
      }
      while (codeIndex < codes.length) {
        // BAN ids are not unique (one number, several positions): the physical row id breaks the ties.
        const rows = await store.query<AddressRow & { row_ref: string }>(
          `SELECT ${SELECT}, ctid::text AS row_ref FROM ${BAN_TABLE}
            WHERE load_id = $1 AND code_insee = $2 AND (id, ctid) > ($3, $4::tid) ORDER BY id, ctid LIMIT ${Math.trunc(page)}`,
          [loadId, codes[codeIndex], lastId, lastRow]);
        if (rows.length < page) {
          codeIndex++;
          lastId = '';
          lastRow = '(0,0)';
        } else {
          lastId = rows[rows.length - 1].id ?? '';
          lastRow = rows[rows.length - 1].row_ref;
        }
        if (!rows.length) continue;
        let text: string;
        if (format === 'csv') {
          text = rows.map((r) => csvLine(BAN_COLUMNS.map((c) => r[c]), ';')).join('');
        } else {
          text = (first ? '' : ',') + rows.map(feature).join(',');
          first = false;
        }
        controller.enqueue(encoder.encode(text));
        return;
      }
      if (format === 'geojson') controller.enqueue(encoder.encode(']}'));
      controller.close();
    },
  });
}
