import { beforeAll, describe, expect, it } from 'vitest';
import { withUsccCheck } from '../../shared/domain/uscc.js';
import { createTestPortal, type TestPortal } from '../support/portal.js';

const office = { role: 'ipoffice' as const };
const JINHUA = '91330784147123451K'; // Yongkang, 330784
const WUCHENG = '913307023073692596'; // Wucheng, 330702
const asEnterprise = (uscc: string) => ({ role: 'enterprise' as const, org: uscc });

/** A valid USCC in Jinhua's Wuyi county (330723) with the given 9-character organisation code. */
const wuyi = (org: string) => withUsccCheck(`91330723${org}`);

describe('enterprises', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await createTestPortal();
  });

  it('lets an enterprise register itself, adds the division code and versions updates with If-Match', async () => {
    const created = await portal.call('PUT', `/enterprises/${JINHUA}`, {
      as: asEnterprise(JINHUA),
      body: { name: '永康五金有限公司', industry: 'hardware' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toBe(`/enterprises/${JINHUA}`);
    expect(created.body).toMatchObject({
      uscc: JINHUA,
      name: '永康五金有限公司',
      industry: 'hardware',
      divisionCode: '330784',
      version: 1,
    });
    expect(created.body.createdAt).toBe(created.body.updatedAt);

    const stale = await portal.call('PUT', `/enterprises/${JINHUA}`, {
      as: asEnterprise(JINHUA),
      body: { name: 'Yongkang Hardware' },
      headers: { 'If-Match': '"5"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');

    const updated = await portal.call('PUT', `/enterprises/${JINHUA}`, {
      as: asEnterprise(JINHUA),
      body: { name: 'Yongkang Hardware' },
      headers: { 'If-Match': '"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('etag')).toBe('"2"');
    expect(updated.body).toMatchObject({ uscc: JINHUA, name: 'Yongkang Hardware', version: 2 });
    // PUT replaces: an omitted industry is removed.
    expect(updated.body.industry).toBeUndefined();
    expect(updated.body.createdAt).toBe(created.body.createdAt);

    const read = await portal.call('GET', `/enterprises/${JINHUA}`, { as: asEnterprise(JINHUA) });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"2"');
    expect(read.body).toMatchObject({ uscc: JINHUA, divisionCode: '330784', version: 2, designations: [] });
  });

  it('normalises a lower-case USCC to upper case', async () => {
    const lower = WUCHENG.toLowerCase();
    const created = await portal.call('PUT', `/enterprises/${lower}`, {
      as: office,
      body: { name: '婺城食品' },
    });
    expect(created.status).toBe(201);
    expect(created.body.uscc).toBe(WUCHENG);
    expect(created.body.divisionCode).toBe('330702');
    const read = await portal.call('GET', `/enterprises/${WUCHENG}`, { as: asEnterprise(WUCHENG) });
    expect(read.status).toBe(200);
    const readLower = await portal.call('GET', `/enterprises/${lower}`, { as: asEnterprise(WUCHENG) });
    expect(readLower.status).toBe(200);
    expect(readLower.body.uscc).toBe(WUCHENG);
  });

  it('rejects an invalid USCC with 400 naming param.uscc and the reason', async () => {
    const cases: [string, RegExp][] = [
      ['91330784147123451X', /check character is "X" but should be "K"/],
      ['91110000600037341I', /contains "I"/],
      ['9133078414712345', /must be 18 characters, got 16/],
      ['91AB0784147123451K', /6-digit division code/],
    ];
    for (const [uscc, reason] of cases) {
      const res = await portal.call('PUT', `/enterprises/${uscc}`, { as: office, body: { name: 'X' } });
      expect(res.status, uscc).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.errors).toEqual([{ path: 'param.uscc', message: expect.stringMatching(reason) }]);
      const read = await portal.call('GET', `/enterprises/${uscc}`, { as: office });
      expect(read.status, uscc).toBe(400);
      expect(read.body.errors[0].path).toBe('param.uscc');
    }
  });

  it('refuses unknown fields, a blank name and a body over 64 KiB', async () => {
    const extra = await portal.call('PUT', `/enterprises/${JINHUA}`, {
      as: office,
      body: { name: 'A', divisionCode: '110000' },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('divisionCode') }),
    ]);

    const blank = await portal.call('PUT', `/enterprises/${JINHUA}`, { as: office, body: { name: '   ' } });
    expect(blank.status).toBe(400);
    expect(blank.body.errors[0].path).toBe('name');

    const huge = await portal.call('PUT', `/enterprises/${JINHUA}`, {
      as: office,
      body: { name: 'x'.repeat(70 * 1024) },
    });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toBe('application/problem+json');
  });

  it('keeps enterprises apart: another USCC is 403 to write, 404 to read; other roles are refused', async () => {
    const other = wuyi('MA2A00001');
    const claim = await portal.call('PUT', `/enterprises/${other}`, {
      as: asEnterprise(JINHUA),
      body: { name: 'Not me' },
    });
    expect(claim.status).toBe(403);
    await portal.call('PUT', `/enterprises/${other}`, { as: office, body: { name: 'Wuyi Tea' } });
    const peek = await portal.call('GET', `/enterprises/${other}`, { as: asEnterprise(JINHUA) });
    expect(peek.status).toBe(404);
    const overwrite = await portal.call('PUT', `/enterprises/${other}`, {
      as: asEnterprise(JINHUA),
      body: { name: 'Mine now' },
    });
    expect(overwrite.status).toBe(403);
    const stillTheirs = await portal.call('GET', `/enterprises/${other}`, { as: office });
    expect(stillTheirs.body.name).toBe('Wuyi Tea');

    const bank = await portal.call('GET', `/enterprises/${other}`, {
      as: { role: 'lender', org: 'jinhua-bank' },
    });
    expect(bank.status).toBe(403);
    const anonymous = await portal.call('GET', `/enterprises/${other}`);
    expect(anonymous.status).toBe(401);
    const missing = await portal.call('GET', `/enterprises/${wuyi('MA2A0000X')}`, { as: office });
    expect(missing.status).toBe(404);
  });

  it('lists enterprises to the IP office only, a page at a time', async () => {
    const portalForList = await createTestPortal();
    const usccs = ['MA2B00001', 'MA2B00002', 'MA2B00003', 'MA2B00004', 'MA2B00005'].map(wuyi);
    for (const uscc of usccs)
      expect(
        (await portalForList.call('PUT', `/enterprises/${uscc}`, { as: office, body: { name: uscc } }))
          .status,
      ).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page = await portalForList.call('GET', `/enterprises${query}`, { as: office });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((e: { uscc: string }) => e.uscc));
      expect(page.body.items.every((e: { divisionCode: string }) => e.divisionCode === '330723')).toBe(true);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...usccs].sort());

    const asEnt = await portalForList.call('GET', '/enterprises', { as: asEnterprise(usccs[0] as string) });
    expect(asEnt.status).toBe(403);
    const badCursor = await portalForList.call('GET', '/enterprises?cursor=not-a-cursor', { as: office });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors[0].path).toMatch(/cursor$/);
  });
});
