/**
 * A source file that breaks its declared format. The run stops, the previous
 * release keeps serving, and the message names source, file, line and column
 * so that whoever runs the ingestion can open the file at the right place.
 */
export class SourceError extends Error {
  constructor(
    readonly sourceId: string,
    readonly file: string,
    readonly problem: string,
    readonly line?: number,
    readonly column?: string | number,
  ) {
    const where = [file, line !== undefined ? `ligne ${line}` : undefined, column !== undefined ? `colonne ${column}` : undefined]
      .filter(Boolean)
      .join(', ');
    super(`[${sourceId}] ${where}: ${problem}`);
    this.name = 'SourceError';
  }
}

/** A blocking quality gate that failed (row count, unknown codes, share of valid rows…). */
export class GateError extends Error {
  constructor(readonly sourceId: string, readonly gate: string, detail: string) {
    super(`[${sourceId}] contrôle « ${gate} » non satisfait: ${detail}`);
    this.name = 'GateError';
  }
}
