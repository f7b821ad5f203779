import { describe, expect, it } from 'vitest';
import { eventPatternIssues, isPrivateAddress, matchesEvent } from '../../shared/domain/webhook.js';

describe('webhook event patterns', () => {
  it('matches one type exactly, or every type of a kind with <kind>.*', () => {
    expect(matchesEvent(['claim.paid'], 'claim.paid')).toBe(true);
    expect(matchesEvent(['claim.paid'], 'claim.paid_more')).toBe(false);
    expect(matchesEvent(['claim.paid'], 'claim.denied')).toBe(false);
    expect(matchesEvent(['pledge.*'], 'pledge.approved')).toBe(true);
    // The kind must match whole: `pledge.*` is not `pledges.` nor another kind sharing a prefix.
    expect(matchesEvent(['pledge.*'], 'pledgex.approved')).toBe(false);
    expect(matchesEvent(['policy.*'], 'pledge.approved')).toBe(false);
    expect(matchesEvent(['policy.issued', 'pledge.*'], 'pledge.defaulted')).toBe(true);
    expect(matchesEvent([], 'pledge.defaulted')).toBe(false);
  });

  it('names each malformed pattern by its position, with the stable code', () => {
    expect(eventPatternIssues(['pledge.*', 'claim.paid', 'designation.revoked'])).toEqual([]);
    const issues = eventPatternIssues(['pledge.*', 'pledges.*', '*', 'claim.Paid', 'claim.', 'asset.x']);
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['events.1', 'event_pattern_invalid'],
      ['events.2', 'event_pattern_invalid'],
      ['events.3', 'event_pattern_invalid'],
      ['events.4', 'event_pattern_invalid'],
      ['events.5', 'event_pattern_invalid'],
    ]);
    expect(issues[0]!.message).toMatch(/^must be <kind>\.\* or <kind>\.<type> with kind one of (\w+, )+\w+$/);
    // A type is 1–40 lower-case letters or underscores.
    expect(eventPatternIssues([`claim.${'a'.repeat(40)}`])).toEqual([]);
    expect(eventPatternIssues([`claim.${'a'.repeat(41)}`])).toHaveLength(1);
  });
});

describe('webhook targets: private addresses are never reached', () => {
  it.each([
    '0.0.0.0',
    '10.1.2.3',
    '127.0.0.1',
    '100.64.0.1',
    '100.127.255.255',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '224.0.0.1',
    '255.255.255.255',
    '::ffff:10.0.0.1',
    '::',
    '::1',
    'fc00::1',
    'fd12::1',
    'fe80::1',
    'fe9f::1',
    'feaf::1',
    'febf::1',
    'ff02::1',
    'FE80::1',
  ])('%s is private', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each([
    '8.8.8.8',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.0.1',
    '169.255.0.1',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.1.1',
    '192.169.1.1',
    '223.255.255.255',
    '11.0.0.1',
    '126.255.255.255',
    '128.0.0.1',
    '::ffff:8.8.8.8',
    '2001:db8::1',
    'fec0::1',
    '1.2.3',
    '1.2.3.256',
    // The second byte alone never makes an address private: only with its first.
    '11.64.0.1',
    '8.254.0.1',
    '8.20.0.1',
    '8.168.0.1',
    // Not IPv4 addresses, though their first byte would be private: read as IPv6, and public.
    '10.1.2.999',
    '10.1.2',
    '10.1.2.3.4',
    '10.1.2.x',
    '10.1.2.-1',
    '10.1.2.3.5',
  ])('%s is public (or not an IPv4 address at all)', (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );
});
