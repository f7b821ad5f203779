import type { Context } from 'hono';
import { actorOf } from '../../auth/principal.js';
import { parseUscc } from '../../domain/enterprise.js';
import { recordConsent, revokeConsent } from '../../usecases/co-owner-consents.js';
import { useCaseContext } from '../../usecases/context.js';
import {
  errorResponses,
  etagOf,
  expectedVersion,
  IfMatchHeader,
  jsonBody,
  jsonResponse,
  versioned,
} from '../common.js';
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

/** The asset and co-owner a request names, with the caller's If-Match. */
const consentRequest = (c: Context, params: { id: string; uscc: string }) => ({
  assetId: params.id,
  uscc: parseUscc(params.uscc, 'param.uscc').uscc,
  expectedVersion: expectedVersion(c),
});

export function registerCoOwnerConsentRoutes(app: PortalApp): void {
  addRoute(
    app,
    ['enterprise', 'ipoffice'],
    createRoute({
      method: 'put',
      path: '/assets/{id}/co-owner-consents/{uscc}',
      summary: 'Record a co-owner’s consent to pledging the asset',
      description:
        'A co-owned right may only be pledged with the consent of every co-owner. The consent is the ' +
        'co-owner’s: its own users give it, or the IP office records it from the signed document (`documentRef` ' +
        'required, else 422 `document_ref_required`); the owner cannot give it (403). The asset’s version ' +
        'increases. Honours If-Match (asset version).',
      tags: ['pledges'],
      request: { params: Params, headers: IfMatchHeader, body: jsonBody(ConsentInput) },
      responses: {
        200: versioned(jsonResponse(ConsentSchema, 'Replaced')),
        201: versioned(jsonResponse(ConsentSchema, 'Recorded')),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { replaced, ...consent } = await recordConsent(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        {
          ...consentRequest(c, c.req.valid('param')),
          documentRef: c.req.valid('json').documentRef,
        },
      );
      c.header('ETag', etagOf(consent.assetVersion));
      return c.json(consent, replaced ? 200 : 201);
    },
  );

  addRoute(
    app,
    ['enterprise', 'ipoffice'],
    createRoute({
      method: 'delete',
      path: '/assets/{id}/co-owner-consents/{uscc}',
      summary: 'Revoke a co-owner’s consent',
      description:
        'By the co-owner or the IP office. Refused with 409 while a pledge holds the asset. Honours If-Match ' +
        '(asset version).',
      tags: ['pledges'],
      request: { params: Params, headers: IfMatchHeader },
      responses: { 204: versioned({ description: 'Revoked' }), ...errorResponses },
    }),
    async (c) => {
      const version = await revokeConsent(
        useCaseContext(c.get('deps')),
        actorOf(c.get('principal')),
        consentRequest(c, c.req.valid('param')),
      );
      c.header('ETag', etagOf(version));
      return c.body(null, 204);
    },
  );
}
