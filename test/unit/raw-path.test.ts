import { describe, expect, it } from 'vitest';
import { hasDotSegment } from '../../shared/http/raw-path.js';

describe('dot segments in a raw path', () => {
  it('finds ".." and "." segments, raw or percent-encoded in any case', () => {
    for (const path of [
      '/claims/%2e%2e/pledges',
      '/claims/%2E%2e',
      '/a/./b',
      '/a/..',
      '/..',
      '/a/.%2e/b',
      '/%2e/x?q=1',
    ])
      expect(hasDotSegment(path), path).toBe(true);
  });

  it('lets names with dots, and dots in the query, through', () => {
    for (const path of [
      '/pledges/abc',
      '/docs',
      '/openapi.json',
      '/a/b.c',
      '/a/..b',
      '/a/.hidden',
      '/x?p=../y',
      '',
    ])
      expect(hasDotSegment(path), path).toBe(false);
  });
});
