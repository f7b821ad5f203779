import type { Principal } from '../../auth/principal.js';
import type { Asset, CoOwnerConsent } from '../../domain/asset.js';
import { isEnterprise, parseUscc } from '../../domain/enterprise.js';
import { conflict, notFound, unprocessable } from '../../domain/errors.js';
import { AssetRepository } from '../../store/asset-repository.js';
import { CoOwnerConsentRepository } from '../../store/co-owner-consent-repository.js';
import { assertVersion, errorResponses, etagOf, IfMatchHeader, jsonBody, jsonResponse } from '../common.js';
import type { PortalApp } from '../context.js';
import { addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

const Params = z.object({
  id: z.string().min(1).max(100),
  uscc: z.string().openapi({ description: 'USCC of a co-owner listed in the asset’s `coOwners`' }),
});

const ConsentInput = z
  .strictObject({
    documentRef: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'Reference of the signed consent document' }),
  })
  .openapi('CoOwnerConsentInput');

const ConsentSchema = z
  .object({
    assetId: z.string(),
    uscc: z.string(),
    recordedAt: z.string(),
    recordedBy: z.string().openapi({ description: 'Subject of the token that recorded it' }),
    recordedByRole: z.string(),
    documentRef: z.string().optional(),
    assetVersion: z
      .number()
      .int()
      .openapi({ description: 'The asset version after the change (also the ETag)' }),
  })
  .openapi('CoOwnerConsent');

/** The asset if the caller may manage its consents: its owner or the IP office (others: 404). */
async function manageableAsset(
  repo: AssetRepository,
  principal: Principal,
  id: string,
  uscc: string,
): Promise<Asset> {
  const asset = await repo.get(id);
  if (!asset || (principal.role === 'enterprise' && !isEnterprise(principal, asset.owner)))
    throw notFound(`Asset ${id}`);
  if (!(asset.coOwners ?? []).includes(uscc))
    throw unprocessable(`${uscc} is not a co-owner of asset ${id}.`, {
      errors: [{ path: 'param.uscc', message: 'is not listed in the asset’s coOwners' }],
    });
  return asset;
}

export function registerCoOwnerConsentRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['enterprise', 'ipoffice'],
    createRoute({
      method: 'put',
      path: '/assets/{id}/co-owner-consents/{uscc}',
      summary: 'Record a co-owner’s consent to pledging the asset',
      description:
        'A co-owned right may only be pledged with the consent of every co-owner. The owner or the IP office ' +
        'records it; the asset’s version increases. Honours If-Match (asset version).',
      tags: ['pledges'],
      request: { params: Params, headers: IfMatchHeader, body: jsonBody(ConsentInput) },
      responses: {
        200: jsonResponse(ConsentSchema, 'Replaced'),
        201: jsonResponse(ConsentSchema, 'Recorded'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { deps, principal } = c.var;
      const { id, uscc: rawUscc } = c.req.valid('param');
      const { uscc } = parseUscc(rawUscc, 'param.uscc');
      const input = c.req.valid('json');
      const asset = await manageableAsset(new AssetRepository(deps.db, deps.tableName), principal, id, uscc);
      const ifMatch = assertVersion(c, asset.version);
      const consent: CoOwnerConsent & { recordedByRole: string; documentRef?: string } = {
        recordedAt: deps.now().toISOString(),
        recordedBy: principal.sub,
        recordedByRole: principal.role,
        ...(input.documentRef ? { documentRef: input.documentRef } : {}),
      };
      const existed = asset.coOwnerConsents?.[uscc] !== undefined;
      const version = await new CoOwnerConsentRepository(deps.db, deps.tableName).record(
        asset,
        uscc,
        consent,
        ifMatch,
      );
      c.header('ETag', etagOf(version));
      return c.json({ assetId: id, uscc, ...consent, assetVersion: version }, existed ? 200 : 201);
    },
  );

  addRoute(
    app,
    ['enterprise', 'ipoffice'],
    createRoute({
      method: 'delete',
      path: '/assets/{id}/co-owner-consents/{uscc}',
      summary: 'Revoke a co-owner’s consent',
      description: 'Refused with 409 while a pledge holds the asset. Honours If-Match (asset version).',
      tags: ['pledges'],
      request: { params: Params, headers: IfMatchHeader },
      responses: { 204: { description: 'Revoked' }, ...errorResponses },
    }),
    async (c) => {
      const { deps, principal } = c.var;
      const { id, uscc: rawUscc } = c.req.valid('param');
      const { uscc } = parseUscc(rawUscc, 'param.uscc');
      const asset = await manageableAsset(new AssetRepository(deps.db, deps.tableName), principal, id, uscc);
      const ifMatch = assertVersion(c, asset.version);
      if (!asset.coOwnerConsents?.[uscc]) throw notFound(`A consent of ${uscc} on asset ${id}`);
      if (asset.encumbrance)
        throw conflict(
          `Pledge ${asset.encumbrance.pledgeId} holds the asset; the consent cannot be revoked while it does.`,
          { pledgeId: asset.encumbrance.pledgeId },
        );
      const version = await new CoOwnerConsentRepository(deps.db, deps.tableName).revoke(
        asset,
        uscc,
        deps.now().toISOString(),
        ifMatch,
      );
      c.header('ETag', etagOf(version));
      return c.body(null, 204);
    },
  );
}
