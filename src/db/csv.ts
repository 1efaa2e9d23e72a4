/** CSV encoding shared by COPY and the CSV downloads (RFC 4180, quote only when needed). */
export function csvField(value: unknown, separator = ','): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.includes(separator) || /["\r\n]/.test(text) || (separator === ',' && text === '') ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly unknown[], separator = ','): string {
  return values.map((v) => csvField(v, separator)).join(separator) + '\n';
}
