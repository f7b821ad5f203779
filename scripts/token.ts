/**
 * `npm run --silent token -- <role> [org]`: prints one bearer token (and nothing else on stdout) that
 * the portal started with the same DATA_DIR accepts. Errors go to stderr with exit code 2.
 * Deliberately light: it reads the signing key only and never starts DynamoDB.
 */
import { loadLocalIssuer } from '../shared/auth/local-issuer.js';
import { isRole, ROLES } from '../shared/auth/principal.js';
import { INSTITUTION_ID_PATTERN } from '../shared/domain/institution.js';
import { checkUscc } from '../shared/domain/uscc.js';
import { dataDirFromEnv } from '../shared/runtime/local-deps.js';

/** Long enough for a working session; the contract asks for at least an hour. */
const TOKEN_TTL_SECONDS = 12 * 60 * 60;

const USAGE = `usage: npm run --silent token -- <role> [org]
  role: ${ROLES.join(' | ')}
  org:  enterprise → its USCC (18 characters); lender/insurer → institution id ([a-z0-9-]{2,40});
        ipoffice → none`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const [role, org, ...rest] = process.argv.slice(2);
if (rest.length > 0) fail(`Too many arguments: ${rest.join(' ')}`);
if (!role) fail('A role is required.');
if (!isRole(role)) fail(`Unknown role "${role}".`);

let claimOrg: string | null = null;
if (role === 'ipoffice') {
  if (org !== undefined) fail('An ipoffice token carries no organisation; leave org out.');
} else if (!org) {
  fail(`A ${role} token needs an organisation.`);
} else if (role === 'enterprise') {
  const check = checkUscc(org);
  if (!check.ok) fail(`"${org}" is not a valid USCC: ${check.reason}.`);
  claimOrg = check.uscc;
} else {
  if (!INSTITUTION_ID_PATTERN.test(org)) fail(`"${org}" is not an institution id ([a-z0-9-]{2,40}).`);
  claimOrg = org;
}

const issuer = await loadLocalIssuer(dataDirFromEnv());
const sub = claimOrg ? `local-${role}-${claimOrg}` : `local-${role}`;
process.stdout.write(`${await issuer.sign(role, claimOrg, { ttlSeconds: TOKEN_TTL_SECONDS, sub })}\n`);
