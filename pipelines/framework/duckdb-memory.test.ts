import { describe, it, expect } from 'vitest';
import { parseMemory } from './duckdb-memory.js';

describe('DuckDB memory setting', () => {
  it('reads the limit as DuckDB prints it', () => {
    expect(parseMemory('3.7 GiB')).toBeCloseTo(3.7 * 1024 ** 3, 0);
    expect(parseMemory('512.0 MiB')).toBe(512 * 1024 ** 2);
    expect(parseMemory('4GB')).toBe(4e9);
    expect(parseMemory('unlimited')).toBeUndefined();
  });
});
