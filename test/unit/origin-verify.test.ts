import { describe, expect, it } from 'vitest';
import { ORIGIN_VERIFY_HEADER, originVerifier } from '../../shared/runtime/origin-verify.js';

/** The API function's check that a request came through CloudFront (shared/runtime/origin-verify.ts). */
describe('originVerifier', () => {
  const setup = (values: string[]) => {
    let t = 0;
    let loads = 0;
    const verify = originVerifier(
      async () => values[Math.min(loads++, values.length - 1)]!,
      () => t,
    );
    return { verify, loads: () => loads, advance: (ms: number) => (t += ms) };
  };
  const via = (value?: string) => (value === undefined ? {} : { [ORIGIN_VERIFY_HEADER]: value });

  it('accepts the secret and refuses a missing, wrong or prefix-only header', async () => {
    const { verify } = setup(['s3cret-value']);
    expect(await verify(via('s3cret-value'))).toBe(true);
    expect(await verify(via())).toBe(false);
    expect(await verify(undefined)).toBe(false);
    expect(await verify(via('s3cret'))).toBe(false);
    expect(await verify(via('s3cret-valuf'))).toBe(false);
  });

  it('reads the secret once per five minutes, and forged headers cannot make it read more often than every 30 s', async () => {
    const { verify, loads, advance } = setup(['a-secret']);
    for (let i = 0; i < 20; i++) await verify(via('a-secret'));
    expect(loads()).toBe(1);
    for (let i = 0; i < 20; i++) await verify(via('forged'));
    expect(loads()).toBe(1);
    advance(30_001);
    await verify(via('forged'));
    expect(loads()).toBe(2);
    await verify(via('forged'));
    expect(loads()).toBe(2);
    advance(5 * 60_000 + 1);
    await verify(via('a-secret'));
    expect(loads()).toBe(3);
  });

  it('picks up a rotated secret at once when CloudFront already sends the new value', async () => {
    const { verify, advance } = setup(['old-value', 'new-value']);
    expect(await verify(via('old-value'))).toBe(true);
    advance(60_000);
    expect(await verify(via('new-value'))).toBe(true);
    expect(await verify(via('old-value'))).toBe(false);
  });
});
