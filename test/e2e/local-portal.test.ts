import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patentCheckCharacter } from '../../shared/domain/patent-number.js';
import { freePort } from '../../shared/local/dynamodb-local.js';

/**
 * The local portal as a user runs it: `npx tsx scripts/start.ts` with its own DATA_DIR and PORT, tokens
 * from `scripts/token.ts`, plain HTTP. Stopped once with Ctrl-C (SIGINT to the process group, as a
 * terminal does) and once with SIGTERM to the tsx process only; after each stop no DynamoDB Local of
 * this DATA_DIR may remain, and the data must survive the restart.
 */
const run = promisify(execFile);
const ENTERPRISE = '91330700MA2A00001L';
const PATENT_DIGITS = '202010000042';
const PATENT = `${PATENT_DIGITS}.${patentCheckCharacter(PATENT_DIGITS)}`;

interface Server {
  child: ChildProcess;
  base: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let dataDir: string;
let port: number;
const started: ChildProcess[] = [];

async function startPortal(command: string, args: string[]): Promise<Server> {
  const child = spawn(command, args, {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, like a terminal job
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const base = `http://localhost:${port}`;
  // A deadline, not a measure: a loaded CI machine may take a minute to start a JVM and the provider.
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The portal exited during start-up:\n${output}`);
    const ready = await fetch(`${base}/healthz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`The portal did not become ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, base, output: () => output, exited };
}

const token = async (...args: string[]) =>
  (
    await run('npx', ['tsx', 'scripts/token.ts', ...args], { env: { ...process.env, DATA_DIR: dataDir } })
  ).stdout.trim();

/** Waits (bounded) until no process of the group is left: npx may exit before its children finish. */
async function groupGone(pgid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

const javaOfDataDir = () =>
  spawnSync('pgrep', ['-f', `DynamoDBLocal.*${dataDir}`], { encoding: 'utf8' }).stdout.trim();

async function call(base: string, method: string, path: string, bearer: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: responses are inspected freely
  const json: any = await res.json();
  return { status: res.status, body: json };
}

// Generous: the whole suite runs in parallel on small CI machines and this spawns JVMs.
describe('local portal (npm start)', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portal-e2e-'));
    port = await freePort();
  });

  afterAll(async () => {
    // Only if a step failed: stop what this test started (its process group), then its data.
    for (const child of started) {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone: the normal case
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  let assetId: string;

  it('serves the API over HTTP and stops cleanly on Ctrl-C', async () => {
    const server = await startPortal('npx', ['tsx', 'scripts/start.ts']);
    expect(server.output()).toContain(`http://localhost:${port}`);
    const [office, enterprise] = await Promise.all([token('ipoffice'), token('enterprise', ENTERPRISE)]);
    expect(office.split('.')).toHaveLength(3);

    const bank = await call(server.base, 'PUT', '/institutions/e2e-bank', office, {
      kind: 'lender',
      name: 'E2E Bank',
    });
    expect(bank.status).toBe(201);
    const registered = await call(server.base, 'PUT', `/enterprises/${ENTERPRISE}`, enterprise, {
      name: 'E2E Widgets Ltd',
    });
    expect(registered.status).toBe(201);
    const created = await call(server.base, 'POST', `/enterprises/${ENTERPRISE}/assets`, enterprise, {
      kind: 'patent',
      number: `ZL ${PATENT}`,
      title: 'Self-closing widget',
      filingDate: '2020-03-02',
      grantDate: '2022-05-10',
    });
    expect(created.status).toBe(201);
    assetId = created.body.id;
    const read = await call(server.base, 'GET', `/assets/${assetId}`, enterprise);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: assetId, owner: ENTERPRISE, number: PATENT, kind: 'patent' });
    expect(javaOfDataDir()).not.toBe('');

    // A path with an encoded dot segment is refused as sent, not resolved to another route.
    const dotted = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: 'localhost',
          port,
          path: '/claims/%2e%2e/pledges',
          headers: { Authorization: `Bearer ${office}` },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(dotted.status).toBe(400);
    expect(JSON.parse(dotted.body).errors[0].code).toBe('dot_segment');

    // npm exec itself dies of the SIGINT; the portal under it shuts down on its own.
    process.kill(-(server.child.pid as number), 'SIGINT');
    const { code, signal } = await server.exited;
    expect(code === 0 || signal === 'SIGINT', `exit ${code} ${signal}`).toBe(true);
    expect(await groupGone(server.child.pid as number)).toBe(true);
    expect(javaOfDataDir()).toBe('');
  });

  it('keeps the data across a restart and stops cleanly on SIGTERM', async () => {
    expect(assetId, 'the previous test created an asset').toEqual(expect.any(String));
    const server = await startPortal(join('node_modules', '.bin', 'tsx'), ['scripts/start.ts']);
    const enterprise = await token('enterprise', ENTERPRISE);
    const read = await call(server.base, 'GET', `/assets/${assetId}`, enterprise);
    expect(read.status).toBe(200);
    expect(read.body.number).toBe(PATENT);
    const banks = await call(server.base, 'GET', '/institutions?kind=lender', enterprise);
    expect(banks.body.items.map((i: { id: string }) => i.id)).toEqual(['e2e-bank']);

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(await groupGone(server.child.pid as number)).toBe(true);
    expect(javaOfDataDir()).toBe('');
    expect(server.output()).not.toMatch(/fault in|Error:/);
  });

  it('refuses a bad token request with exit code 2 and nothing on stdout', async () => {
    const failed = await token('enterprise', 'not-a-uscc').then(
      () => 'succeeded',
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 2, stdout: '' });
    expect((failed as { stderr: string }).stderr).toContain('not a valid USCC');
  });
});
