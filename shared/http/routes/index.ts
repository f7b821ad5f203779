import type { PortalApp } from '../context.js';

/** Registers one module's routes on an app. */
export type RegisterRoutes = (app: PortalApp) => void;

/**
 * Every route module, by group, each loaded on demand. The local server and the tests load them all at once;
 * the Lambda, which knows every route from the manifest written at build time, loads a group on the first
 * request that needs it (app.ts), so a cold start compiles and evaluates none of their schemas.
 */
export const ROUTE_GROUPS = {
  system: async () => (await import('./system.js')).registerSystemRoutes,
  institutions: async () => (await import('./institutions.js')).registerInstitutionRoutes,
  enterprises: async () => (await import('./enterprises.js')).registerEnterpriseRoutes,
  assets: async () => (await import('./assets.js')).registerAssetRoutes,
  pledges: async () => (await import('./pledges.js')).registerPledgeRoutes,
  loans: async () => (await import('./pledges.js')).registerLoanRoutes,
  coOwnerConsents: async () => (await import('./co-owner-consents.js')).registerCoOwnerConsentRoutes,
  policies: async () => (await import('./policies.js')).registerPolicyRoutes,
  claims: async () => (await import('./claims.js')).registerClaimRoutes,
  designations: async () => (await import('./designations.js')).registerDesignationRoutes,
  designationProgramme: async () =>
    (await import('./designation-programme.js')).registerDesignationProgrammeRoutes,
  programmes: async () => (await import('./programmes.js')).registerProgrammeRoutes,
  stats: async () => (await import('./stats.js')).registerStatsRoutes,
  events: async () => (await import('./events.js')).registerEventRoutes,
  notifications: async () => (await import('./notifications.js')).registerNotificationRoutes,
  collateral: async () => (await import('./collateral.js')).registerCollateralRoutes,
  webhooks: async () => (await import('./webhooks.js')).registerWebhookRoutes,
  ownershipCases: async () => (await import('./ownership-cases.js')).registerOwnershipCaseRoutes,
  search: async () => (await import('./search.js')).registerSearchRoutes,
  users: async () => (await import('./users.js')).registerUserRoutes,
  documents: async () => (await import('./documents.js')).registerDocumentRoutes,
  imports: async () => (await import('./imports.js')).registerImportRoutes,
} satisfies Record<string, () => Promise<RegisterRoutes>>;

export type RouteGroup = keyof typeof ROUTE_GROUPS;
