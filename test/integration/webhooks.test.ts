import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../shared/domain/domain-event.js';
import { isPrivateAddress } from '../../shared/domain/webhook.js';
import { useCaseContext } from '../../shared/usecases/context.js';
import { deliverWebhooks } from '../../shared/usecases/webhooks.js';
import {
  asEnterprise,
  asLender,
  FIXED_NOW,
  office,
  pledgeFixtures,
  yiwu,
} from '../support/pledge-fixtures.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';
import { type Received, webhookReceiver } from '../support/webhook-receiver.js';

/**
 * Webhooks for a bank's own system: subscribe, receive signed deliveries (verified here with the `standardwebhooks`
 * library), at least once — a failed delivery is tried again and only it — and never to a private address when the
 * portal runs with public targets only (deployed).
 */
const A = yiwu('MA2W00001');
const BANK = 'hook-bank';
const OTHER_BANK = 'hook-other-bank';

describe('webhooks', () => {
  let portal: TestPortal;
  let f: ReturnType<typeof pledgeFixtures>;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  let url: string;
  let received: Received[];
  let failNext = 0;

  beforeAll(async () => {
    receiver = await webhookReceiver(() => (failNext-- > 0 ? 503 : 204));
    ({ url, received } = receiver);
    // A developer's machine: the receiver is on loopback. The real clock: webhook timestamps are checked against it.
    portal = await createTestPortal({ webhookTargets: 'any' });
    f = pledgeFixtures(portal);
    await f.enterprise(A);
    await f.institution(BANK);
    await f.institution(OTHER_BANK);
  });
  afterAll(() => receiver.close());

  /** Every event of a pledge, as the stream hands them over. */
  const eventsOf = async (pledgeId: string) =>
    (await portal.call('GET', `/events?subject=pledge:${pledgeId}`, { as: office })).body
      .items as DomainEvent[];

  it('delivers each subscribed event signed by the Standard Webhooks scheme, only to the subscriber that may see it', async () => {
    const created = await portal.call('POST', '/webhooks', {
      as: asLender(BANK),
      body: { url, events: ['pledge.*'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id, secret } = created.body as { id: string; secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect((await portal.call('GET', '/webhooks', { as: asLender(BANK) })).body.items).toEqual([
      { id, url, events: ['pledge.*'], createdAt: expect.any(String) },
    ]);
    // The other bank subscribes too: it sees none of this pledge's events.
    const other = await portal.call('POST', '/webhooks', {
      as: asLender(OTHER_BANK),
      body: { url, events: ['pledge.*'] },
    });
    expect(other.status).toBe(201);

    const applied = await f.apply(A, { lenderId: BANK, assetIds: [await f.patent(A)] });
    await f.act(applied.body.id, 'review', asLender(BANK));
    const uc = useCaseContext(portal.deps);
    for (const event of await eventsOf(applied.body.id))
      expect(await deliverWebhooks(uc, event, 'any')).toEqual({ delivered: 1, failed: 0 });

    expect(received).toHaveLength(2);
    const wh = new Webhook(secret);
    const payloads = received.map(
      (r) => wh.verify(r.body, r.headers as Record<string, string>) as { type: string; data: DomainEvent },
    );
    expect(payloads.map((p) => p.type)).toEqual(['pledge.submitted', 'pledge.under_review']);
    expect(received.map((r) => r.headers['webhook-id'])).toEqual(payloads.map((p) => p.data.id));
    // A forged or altered body fails verification.
    expect(() =>
      wh.verify(
        received[0]!.body.replace('submitted', 'approved'),
        received[0]!.headers as Record<string, string>,
      ),
    ).toThrow();

    const log = await portal.call('GET', `/webhooks/${id}/deliveries`, { as: asLender(BANK) });
    expect(log.body.items.map((d: { type: string; ok: boolean }) => [d.type, d.ok])).toEqual([
      ['pledge.under_review', true],
      ['pledge.submitted', true],
    ]);
    expect(
      (await portal.call('GET', `/webhooks/${id}/deliveries`, { as: asLender(OTHER_BANK) })).status,
    ).toBe(404);
    expect((await portal.call('DELETE', `/webhooks/${id}`, { as: asLender(OTHER_BANK) })).status).toBe(404);
    expect(
      (await portal.call('POST', '/webhooks', { as: asEnterprise(A), body: { url, events: ['pledge.*'] } }))
        .status,
    ).toBe(403);
    expect((await portal.call('DELETE', `/webhooks/${id}`, { as: asLender(BANK) })).status).toBe(204);
  });

  it('tries a failed delivery again, and only it, with the same webhook-id', async () => {
    received.length = 0;
    const created = await portal.call('POST', '/webhooks', {
      as: asLender(BANK),
      body: { url, events: ['pledge.submitted'] },
    });
    const applied = await f.apply(A, { lenderId: BANK, assetIds: [await f.patent(A)] });
    const [submitted] = await eventsOf(applied.body.id);
    const uc = useCaseContext(portal.deps);
    failNext = 1;
    expect(await deliverWebhooks(uc, submitted!, 'any', 1)).toEqual({ delivered: 0, failed: 1 });
    expect(await deliverWebhooks(uc, submitted!, 'any', 2)).toEqual({ delivered: 1, failed: 0 });
    expect(await deliverWebhooks(uc, submitted!, 'any', 3)).toEqual({ delivered: 0, failed: 0 });
    expect(received.map((r) => r.headers['webhook-id'])).toEqual([submitted!.id, submitted!.id]);
    const log = await portal.call('GET', `/webhooks/${created.body.id}/deliveries`, { as: asLender(BANK) });
    expect(
      log.body.items.map((d: { attempt: number; ok: boolean; httpStatus: number }) => [
        d.attempt,
        d.ok,
        d.httpStatus,
      ]),
    ).toEqual([
      [2, true, 204],
      [1, false, 503],
    ]);
  });

  it('deployed, refuses targets on private, loopback or link-local addresses and plain http (SSRF), naming the code', async () => {
    const deployed = await createTestPortal({ now: () => FIXED_NOW });
    await pledgeFixtures(deployed).institution(BANK);
    for (const [target, code] of [
      [url, 'webhook_url_not_https'],
      ['https://127.0.0.1/hooks', 'webhook_target_private'],
      ['https://10.1.2.3/hooks', 'webhook_target_private'],
      ['https://169.254.169.254/latest/meta-data', 'webhook_target_private'],
      ['https://[::1]/hooks', 'webhook_target_private'],
      ['https://localhost/hooks', 'webhook_target_private'],
      ['https://user:pw@bank.example/hooks', 'webhook_url_invalid'],
      ['not a url', 'webhook_url_invalid'],
    ] as const) {
      const res = await deployed.call('POST', '/webhooks', {
        as: asLender(BANK),
        body: { url: target, events: ['pledge.*'] },
      });
      expect(res.status, target).toBe(422);
      expect(res.body.errors[0], target).toMatchObject({ path: 'url', code });
    }
    const pattern = await deployed.call('POST', '/webhooks', {
      as: asLender(BANK),
      body: { url: 'https://127.0.0.1/x', events: ['pledge.*', 'anything'] },
    });
    expect(pattern.body.errors.map((e: { path: string; code: string }) => [e.path, e.code])).toEqual([
      ['url', 'webhook_target_private'],
      ['events.1', 'event_pattern_invalid'],
    ]);
    expect((await deployed.call('GET', '/webhooks', { as: asLender(BANK) })).body.items).toEqual([]);
  });

  it('knows the private ranges', () => {
    for (const ip of [
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '203.0.113.7', '2001:4860:4860::8888'])
      expect(isPrivateAddress(ip), ip).toBe(false);
  });
});
