/**
 * A small Table Schema (Frictionless v1) conformance checker for our CSVs:
 * header = field names in order, every cell either a missing value or a valid
 * lexical form of its field's type. Returns the problems, empty when conform.
 */
import { parse } from 'csv-parse/sync';

export interface TableSchemaField { name: string; type: string; format?: string }
export interface TableSchema { fields: TableSchemaField[]; missingValues?: string[] }
export interface Dialect { delimiter?: string; lineTerminator?: string; header?: boolean }

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^(?:NaN|INF|-INF)$/;
const INTEGER = /^[+-]?\d+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BOOLEAN = new Set(['true', 'True', 'TRUE', '1', 'false', 'False', 'FALSE', '0']);

function valid(type: string, value: string): boolean {
  switch (type) {
    case 'string': return true;
    case 'integer': return INTEGER.test(value);
    case 'number': return NUMBER.test(value);
    case 'boolean': return BOOLEAN.has(value);
    case 'date': return DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
    case 'geojson': case 'object': try { return typeof JSON.parse(value) === 'object'; } catch { return false; }
    case 'array': try { return Array.isArray(JSON.parse(value)); } catch { return false; }
    default: return false;
  }
}

export function checkCsv(text: string, schema: TableSchema, dialect: Dialect = {}): string[] {
  const problems: string[] = [];
  if (dialect.lineTerminator === '\n' && text.includes('\r\n')) problems.push('fin de ligne CRLF alors que le dialecte déclare LF');
  if (text.length && !text.endsWith('\n')) problems.push('dernière ligne non terminée');
  const records = parse(text, { delimiter: dialect.delimiter ?? ',', relax_column_count: false }) as string[][];
  const [header, ...rows] = records;
  const names = schema.fields.map((f) => f.name);
  if (JSON.stringify(header) !== JSON.stringify(names)) problems.push(`en-tête ${JSON.stringify(header)} ≠ champs ${JSON.stringify(names)}`);
  const missing = new Set(schema.missingValues ?? ['']);
  rows.forEach((row, i) => {
    if (row.length !== names.length) problems.push(`ligne ${i + 2}: ${row.length} cellules pour ${names.length} champs`);
    row.forEach((value, j) => {
      const field = schema.fields[j];
      if (!field || missing.has(value)) return;
      if (!valid(field.type, value)) problems.push(`ligne ${i + 2}, colonne ${field.name}: « ${value} » n'est pas un ${field.type}`);
    });
  });
  return problems;
}
