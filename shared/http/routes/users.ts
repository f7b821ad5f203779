import type { Context } from 'hono';
import { actorOf } from '../../auth/principal.js';
import { ORG_CLAIM_STATUSES } from '../../domain/org-claim.js';
import { USER_ROLES, USER_STATUSES } from '../../domain/user.js';
import { useCaseContext } from '../../usecases/context.js';
import { decideOrgClaim, fileOrgClaim, getOrgClaim, listOrgClaims } from '../../usecases/org-claims.js';
import {
  changeUserRole,
  getUser,
  inviteUser,
  listUsers,
  setUserEnabled,
  whoAmI,
} from '../../usecases/users.js';
import {
  ActorSchema,
  errorResponses,
  etagOf,
  expectedVersion,
  IdParam,
  IfMatchHeader,
  jsonBody,
  jsonResponse,
  PageQuerySchema,
  pageOf,
  plainText,
  storedFields,
  versioned,
} from '../common.js';
import type { AppEnv, PortalApp } from '../context.js';
import { respond } from '../respond.js';
import { type Access, actorFor, addRoute, createRoute } from '../route.js';
import * as z from '../zod.js';

/**
 * The portal's user directory (who may do what: role, organisation, standing) and company onboarding. The identity
 * provider only signs people in; every change here is audited (`user.*`, `org_claim.*` events).
 */
const Email = z.string().trim().email().max(254).openapi({ example: 'zhang.wei@jhbank.example' });

const UserSchema = z
  .object({
    id: z.string(),
    status: z.enum(USER_STATUSES).openapi({
      description:
        '`invited` until the first sign-in with the invited address; `disabled` is refused at once',
    }),
    email: Email.nullable(),
    name: z.string().optional(),
    role: z.enum(USER_ROLES),
    org: z.string().nullable().openapi({ description: 'USCC, institution id, or null for the IP office' }),
    manager: z.boolean().openapi({ description: 'May invite and manage its organisation’s staff' }),
    sub: z.string().optional().openapi({ description: 'The identity provider’s subject, once signed in' }),
    invitedBy: ActorSchema.optional(),
    ...storedFields,
  })
  .openapi('User');

const InviteInput = z
  .strictObject({
    email: Email,
    role: z.enum(USER_ROLES),
    org: z.string().max(40).nullable().optional().openapi({
      description: 'USCC for an enterprise, institution id for a lender or insurer; none for the IP office',
    }),
    name: plainText(100).optional(),
    manager: z.boolean().optional().openapi({
      description: 'IP office only; default: true for a bank’s or insurer’s user the office invites',
    }),
  })
  .openapi('UserInvitation');

const RoleInput = z
  .strictObject({
    role: z.enum(USER_ROLES),
    org: z.string().max(40).nullable().optional(),
    manager: z.boolean().optional(),
  })
  .openapi('UserRoleChange');

const UserListQuery = PageQuerySchema.extend({
  role: z.enum(USER_ROLES).optional(),
  org: z.string().max(40).optional().openapi({ description: 'With `role`: that organisation’s users' }),
  status: z.enum(USER_STATUSES).optional(),
});

const OrgClaimSchema = z
  .object({
    id: z.string(),
    status: z.enum(ORG_CLAIM_STATUSES),
    uscc: z.string(),
    sub: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    reason: z.string().optional(),
    userId: z.string().optional().openapi({ description: 'The user an approval enrolled' }),
    ...storedFields,
  })
  .openapi('OrgClaim');

const MeSchema = z
  .object({
    identity: z.object({
      sub: z.string(),
      email: z.string().nullable(),
      emailVerified: z.boolean(),
      name: z.string().nullable(),
    }),
    // A union, not `.nullable()`: that would make the named schemas themselves nullable in the document.
    user: z
      .union([UserSchema, z.null()])
      .openapi({ description: 'Null until the directory knows you (onboarding)' }),
    latestClaim: z.union([OrgClaimSchema, z.null()]),
  })
  .openapi('Me');

const NoBody = z.strictObject({}).openapi('EmptyBody');
const ReasonInput = z.strictObject({ reason: plainText(500) }).openapi('RejectionReason');
const ClaimInput = z.strictObject({ uscc: z.string().max(40) }).openapi('OrgClaimInput');

/** The steps on a pending claim: `POST /org-claims/{id}/<action>`. */
const CLAIM_STEPS: {
  action: 'approve' | 'reject' | 'withdraw';
  access: Access;
  summary: string;
  description: string;
  body?: typeof ReasonInput;
}[] = [
  {
    action: 'approve',
    access: ['ipoffice'],
    summary: 'Approve a claim: pending → approved (the claimant becomes the enterprise’s user)',
    description:
      'In one transaction with the enrolment; the claimant’s next request acts for the enterprise. 409 ' +
      '`already_member` when the claimant became a user meanwhile.',
  },
  {
    action: 'reject',
    access: ['ipoffice'],
    summary: 'Reject a claim: pending → rejected',
    description: 'With the reason the claimant reads.',
    body: ReasonInput,
  },
  {
    action: 'withdraw',
    access: 'signedIn',
    summary: 'Withdraw your claim: pending → withdrawn',
    description:
      'By the claimant, to claim another enterprise instead; to anyone else the claim does not exist.',
  },
];

const uc = (c: Context<AppEnv>) => useCaseContext(c.get('deps'));
/** The caller with its standing: whether it manages its organisation's users. */
const managerOf = (c: Context<AppEnv>) => ({
  ...actorOf(c.get('principal')),
  manager: c.get('principal').manager ?? false,
});

export function registerUserRoutes(app: PortalApp): void {
  addRoute(
    app,
    'signedIn',
    createRoute({
      method: 'get',
      path: '/me',
      summary: 'Who you are in the portal',
      description:
        'Anyone signed in, also before the directory knows them: the identity the provider vouches for, the ' +
        'directory entry (role, organisation, standing) once there is one, and the latest organisation claim.',
      tags: ['users'],
      responses: { 200: jsonResponse(MeSchema, 'You'), ...errorResponses },
    }),
    async (c) => {
      const principal = c.get('principal');
      const me = await whoAmI(uc(c), { identity: c.get('identity'), ...(principal ? { principal } : {}) });
      return c.json(me, 200);
    },
  );

  addRoute(
    app,
    ['ipoffice', 'lender', 'insurer'],
    createRoute({
      method: 'post',
      path: '/users',
      summary: 'Invite a user',
      description:
        'The IP office invites anyone; a bank’s or insurer’s manager invites its own staff (422 ' +
        '`own_organisation_only`, `office_only` for `manager`). The person signs in with the invited, verified ' +
        'address (deployed with Cognito, the invitation also creates the account and e-mails a temporary ' +
        'password). 409 `email_taken`; 422 `institution_unknown`, `invalid_uscc`, `org_required`, ' +
        '`org_not_allowed`. Honours Idempotency-Key.',
      tags: ['users'],
      request: { body: jsonBody(InviteInput) },
      responses: { 201: versioned(jsonResponse(UserSchema, 'Invited')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idempotency) =>
          inviteUser(uc(c), managerOf(c), c.req.valid('json'), {
            identityAdmin: c.get('deps').identityAdmin,
            idempotency,
          }),
        (u) => ({ status: 201, body: u, version: u.version, location: `/users/${u.id}` }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    ['ipoffice', 'lender', 'insurer'],
    createRoute({
      method: 'get',
      path: '/users',
      summary: 'List users',
      description:
        'The IP office lists everyone (by status; by `role` and `org` together); a bank or insurer its own ' +
        'organisation’s users. By status, then newest first.',
      tags: ['users'],
      request: { query: UserListQuery },
      responses: { 200: jsonResponse(pageOf(UserSchema, 'UserPage'), 'A page of users'), ...errorResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filters } = c.req.valid('query');
      return c.json(await listUsers(uc(c), managerOf(c), filters, { limit, cursor }), 200);
    },
  );

  addRoute(
    app,
    ['ipoffice', 'lender', 'insurer', 'enterprise'],
    createRoute({
      method: 'get',
      path: '/users/{id}',
      summary: 'Read a user',
      description:
        'The IP office any; a bank or insurer its own organisation’s; anyone themselves. Otherwise 404.',
      tags: ['users'],
      request: { params: IdParam },
      responses: { 200: versioned(jsonResponse(UserSchema, 'The user')), ...errorResponses },
    }),
    async (c) => {
      const user = await getUser(uc(c), managerOf(c), c.req.valid('param').id);
      return c.json(user, 200, { ETag: etagOf(user.version) });
    },
  );

  for (const enabled of [false, true])
    addRoute(
      app,
      ['ipoffice', 'lender', 'insurer'],
      createRoute({
        method: 'post',
        path: enabled ? '/users/{id}/enable' : '/users/{id}/disable',
        summary: enabled
          ? 'Enable a disabled user: disabled → active'
          : 'Disable a user: invited or active → disabled',
        description:
          (enabled
            ? 'The user may sign in and act again.'
            : 'Refused at the next request on this API instance, on every other within a minute (403 ' +
              '`account_disabled`); deployed with Cognito, the account is disabled there too.') +
          ' The IP office any user; a bank’s or insurer’s manager its own staff (404 otherwise). Honours If-Match ' +
          'and Idempotency-Key.',
        tags: ['users'],
        request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(NoBody, false) },
        responses: {
          200: versioned(jsonResponse(UserSchema, 'The user after the change')),
          ...errorResponses,
        },
      }),
      async (c) =>
        respond(
          c,
          (idempotency) =>
            setUserEnabled(
              uc(c),
              managerOf(c),
              {
                id: c.req.valid('param').id,
                enabled,
                expectedVersion: expectedVersion(c),
                ...(idempotency ? { idempotency } : {}),
              },
              c.get('deps').identityAdmin,
            ),
          (u) => ({ status: 200, body: u, version: u.version }),
        ),
      { idempotent: true },
    );

  addRoute(
    app,
    ['ipoffice'],
    createRoute({
      method: 'put',
      path: '/users/{id}/role',
      summary: 'Change a user’s role and organisation',
      description:
        'The IP office only; in effect at once on this API instance and within a minute on every other. Audited ' +
        'as `user.role_changed` with the former role. Honours If-Match.',
      tags: ['users'],
      request: { params: IdParam, headers: IfMatchHeader, body: jsonBody(RoleInput) },
      responses: { 200: versioned(jsonResponse(UserSchema, 'The user after the change')), ...errorResponses },
    }),
    async (c) => {
      const user = await changeUserRole(uc(c), actorOf(c.get('principal')), {
        id: c.req.valid('param').id,
        ...c.req.valid('json'),
        expectedVersion: expectedVersion(c),
      });
      return c.json(user, 200, { ETag: etagOf(user.version) });
    },
  );

  addRoute(
    app,
    'signedIn',
    createRoute({
      method: 'post',
      path: '/org-claims',
      summary: 'Claim your enterprise (onboarding)',
      description:
        'Someone signed in whom the directory does not know says which enterprise they act for; the IP office ' +
        'approves or rejects. 409 `already_member` for a portal user, `claim_pending` while one is pending; 422 ' +
        '`invalid_uscc`. Honours Idempotency-Key.',
      tags: ['users'],
      request: { body: jsonBody(ClaimInput) },
      responses: { 201: versioned(jsonResponse(OrgClaimSchema, 'Filed')), ...errorResponses },
    }),
    async (c) =>
      respond(
        c,
        (idempotency) =>
          fileOrgClaim(
            uc(c),
            c.get('identity'),
            c.get('principal') !== undefined,
            c.req.valid('json'),
            idempotency,
          ),
        (claim) => ({
          status: 201,
          body: claim,
          version: claim.version,
          location: `/org-claims/${claim.id}`,
        }),
      ),
    { idempotent: true },
  );

  addRoute(
    app,
    'signedIn',
    createRoute({
      method: 'get',
      path: '/org-claims',
      summary: 'List organisation claims',
      description:
        'The IP office: the queue, by status then oldest first. Anyone else: their own claims, newest first.',
      tags: ['users'],
      request: { query: PageQuerySchema.extend({ status: z.enum(ORG_CLAIM_STATUSES).optional() }) },
      responses: {
        200: jsonResponse(pageOf(OrgClaimSchema, 'OrgClaimPage'), 'A page of claims'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, cursor, status } = c.req.valid('query');
      return c.json(await listOrgClaims(uc(c), actorFor(c), status, { limit, cursor }), 200);
    },
  );

  addRoute(
    app,
    'signedIn',
    createRoute({
      method: 'get',
      path: '/org-claims/{id}',
      summary: 'Read an organisation claim',
      description: 'The IP office any; the claimant its own; 404 otherwise.',
      tags: ['users'],
      request: { params: IdParam },
      responses: { 200: versioned(jsonResponse(OrgClaimSchema, 'The claim')), ...errorResponses },
    }),
    async (c) => {
      const claim = await getOrgClaim(uc(c), actorFor(c), c.req.valid('param').id);
      return c.json(claim, 200, { ETag: etagOf(claim.version) });
    },
  );

  for (const step of CLAIM_STEPS)
    addRoute(
      app,
      step.access,
      createRoute({
        method: 'post',
        path: `/org-claims/{id}/${step.action}`,
        summary: step.summary,
        description: `${step.description} Honours If-Match and Idempotency-Key.`,
        tags: ['users'],
        request: {
          params: IdParam,
          headers: IfMatchHeader,
          body: step.body ? jsonBody(step.body) : jsonBody(NoBody, false),
        },
        responses: {
          200: versioned(jsonResponse(OrgClaimSchema, 'The claim after the step')),
          ...errorResponses,
        },
      }),
      async (c) =>
        respond(
          c,
          (idempotency) =>
            decideOrgClaim(uc(c), actorFor(c), {
              id: c.req.valid('param').id,
              action: step.action,
              ...(c.req.valid('json') as { reason?: string }),
              expectedVersion: expectedVersion(c),
              idempotency,
            }),
          (claim) => ({ status: 200, body: claim, version: claim.version }),
        ),
      { idempotent: true },
    );
}
