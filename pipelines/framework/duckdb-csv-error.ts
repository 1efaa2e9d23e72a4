/**
 * DuckDB's CSV reader reports a broken file as one multi-line message
 * ("CSV Error on Line: N", "file = …", "Original Line: …", the column that did
 * not convert and its value, or the expected and found column counts). Every
 * reader of delimited files turns it into a SourceError in its own words
 * (staged-csv.ts, declared-csv.ts, value-formats.ts); the message is parsed
 * here once, so that a change of DuckDB's wording is fixed in one place.
 */

/** The parts of a DuckDB CSV error message; absent parts are undefined. */
export interface DuckdbCsvError {
  /** The whole message. */
  message: string;
  /** "CSV Error on Line: N". */
  line?: number;
  /** "file = <path>" (DuckDB names it when it reads several files). */
  file?: string;
  /** "Error when converting column "<name>"" and "Could not convert string "<value>"". */
  column?: string;
  value?: string;
  /** "Original Line: <text>" ('' when absent). */
  original: string;
  /** "Expected Number of Columns: E Found: F". */
  columnCount?: { expected: number; found: number };
  unterminatedQuote: boolean;
}

export function parseDuckdbCsvError(error: unknown): DuckdbCsvError {
  const message = error instanceof Error ? error.message : String(error);
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  const count = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  return {
    message,
    line: line === undefined ? undefined : Number(line),
    file: /^\s*file = (.+)$/m.exec(message)?.[1]?.trim(),
    column: /Error when converting column "([^"]+)"/.exec(message)?.[1],
    value: /Could not convert string "([^"]*)"/.exec(message)?.[1],
    original: /Original Line: (.*)$/m.exec(message)?.[1] ?? '',
    columnCount: count ? { expected: Number(count[1]), found: Number(count[2]) } : undefined,
    unterminatedQuote: /unterminated quote/i.test(message),
  };
}
