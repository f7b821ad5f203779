/**
 * `npm run lint:api`: lints the OpenAPI document the API serves (generated from the app's routes, as
 * scripts/openapi.ts writes it) with Spectral (`spectral:oas`, .spectral.yaml) and Redocly (`recommended`,
 * redocly.yaml). Any error or warning fails; a rule is accepted only by turning it off in those rulesets.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCUMENT = join(ROOT, '.build', 'openapi.lint.json');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
// Neither tool may phone home: CI and a user's machine may be offline.
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
const run = (command: string, args: string[]) => {
  try {
    execFileSync(command, args, { cwd: ROOT, env, stdio: 'inherit' });
  } catch {
    console.error(`lint:api: ${command.split('/').pop()} found problems (above).`);
    process.exit(1);
  }
};

run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'openapi.ts'), DOCUMENT]);
run(bin('spectral'), ['lint', DOCUMENT, '--ruleset', '.spectral.yaml', '--fail-severity', 'hint']);
run(bin('redocly'), ['lint', DOCUMENT, '--config', 'redocly.yaml', '--max-problems', '1000']);
