import { resolveStage } from '../../infra/stages.js';

/** Skipping bundling keeps the infra tests fast; api-bundle.test.ts bundles for real. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/** Test accounts for the checked-in stages (the real ids come from the deployer's environment). */
export const TEST_ACCOUNTS = {
  PORTAL_DEV_ACCOUNT: '111111111111',
  PORTAL_STAGING_ACCOUNT: '222222222222',
  PORTAL_PROD_ACCOUNT: '333333333333',
};

/** The global sandbox and the China production stage: every infra test that asserts a control runs on both. */
export const TESTED_STAGES = ['dev', 'prod'] as const;
export const stage = (name: string) => resolveStage(name, TEST_ACCOUNTS);
