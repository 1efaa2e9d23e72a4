/**
 * One row in COPY's text format (PostgreSQL's default: tab between fields, `\N` for NULL,
 * backslash escapes): what `Store.copy` sends on both drivers. Unlike csv, a JSON value
 * goes as it is — JSON.stringify never writes a raw tab, newline or carriage return, so
 * only its backslashes are doubled, and most JSON has none — where csv doubled every quote
 * of every record (a copy of each string, and more bytes for the server to parse).
 */
const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A field: null or undefined is NULL; an object (what a caller passes beyond Scalar) goes as its JSON, as in csv. */
export function copyTextField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : text;
}

export function copyTextLine(values: readonly unknown[]): string {
  let line = copyTextField(values[0]);
  for (let i = 1; i < values.length; i++) line += '\t' + copyTextField(values[i]);
  return line + '\n';
}
