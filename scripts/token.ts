/**
 * `npm run --silent token -- <role> [org]`: prints one bearer token (and nothing else on stdout) that the portal
 * started with the same DATA_DIR accepts: an ID token of the developer's local user of that role and organisation,
 * enrolled in the portal's directory when needed (that user and nothing else). It uses the running portal's
 * DynamoDB Local, or starts one for the moment. Errors go to stderr with exit code 2.
 */
import { isRole, ROLES } from '../shared/auth/principal.js';
import { INSTITUTION_ID_PATTERN } from '../shared/domain/institution.js';
import { checkUscc } from '../shared/domain/uscc.js';
import { dataDirFromEnv, openLocalRuntime } from '../shared/runtime/local-deps.js';
import { localUserToken } from '../shared/runtime/local-users.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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

let userOrg: string | null = null;
if (role === 'ipoffice') {
  if (org !== undefined) fail('An ipoffice user has no organisation; leave org out.');
} else if (!org) {
  fail(`A ${role} user needs an organisation.`);
} else if (role === 'enterprise') {
  const check = checkUscc(org);
  if (!check.ok) fail(`"${org}" is not a valid USCC: ${check.reason}.`);
  userOrg = check.uscc;
} else {
  if (!INSTITUTION_ID_PATTERN.test(org)) fail(`"${org}" is not an institution id ([a-z0-9-]{2,40}).`);
  userOrg = org;
}

const runtime = await openLocalRuntime({ dataDir: dataDirFromEnv() });
try {
  const token = await localUserToken(runtime.deps, runtime.issuer, role, userOrg, TOKEN_TTL_SECONDS);
  process.stdout.write(`${token}\n`);
} finally {
  await runtime.close();
}
