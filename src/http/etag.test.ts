import { describe, expect, it } from 'vitest';
import { etagFor, matchesIfNoneMatch, withEncoding } from './etag.js';

describe('ETag from (release, resource)', () => {
  it('depends on the release, the path and the query, not on the order of query parameters', () => {
    const a = etagFor('R1', '/commune/35238/dotation');
    expect(a).toMatch(/^"R1\.[0-9a-z]+"$/);
    expect(etagFor('R1', '/commune/35238/dotation')).toBe(a);
    expect(etagFor('R2', '/commune/35238/dotation')).not.toBe(a);
    expect(etagFor('R1', '/commune/2A004/dotation')).not.toBe(a);
    expect(etagFor('R1', '/communes', 'b=2&a=1')).toBe(etagFor('R1', '/communes', 'a=1&b=2'));
    expect(etagFor('R1', '/communes', 'a=1')).not.toBe(etagFor('R1', '/communes', 'a=2'));
  });

  it('tells apart 35 000 commune paths', () => {
    const tags = new Set<string>();
    for (let i = 0; i < 35_000; i++) tags.add(etagFor('R', `/commune/${String(i).padStart(5, '0')}/dotation`));
    expect(tags.size).toBe(35_000);
  });

  it('matches a validator whatever its content coding, weak or strong, in a list', () => {
    const tag = etagFor('R1', '/x');
    expect(matchesIfNoneMatch(tag, tag)).toBe('tag');
    expect(matchesIfNoneMatch(`W/${tag}`, tag)).toBe('tag');
    expect(matchesIfNoneMatch(`"other", ${withEncoding(tag, 'br')}`, tag)).toBe('tag');
    expect(matchesIfNoneMatch('*', tag)).toBe('any');
    expect(matchesIfNoneMatch('W/*', tag)).toBe('any');
    expect(matchesIfNoneMatch(etagFor('R2', '/x'), tag)).toBe(false);
    expect(matchesIfNoneMatch(`${tag.slice(0, -1)}-zzz"`, tag)).toBe(false);
    expect(matchesIfNoneMatch(undefined, tag)).toBe(false);
  });
});
