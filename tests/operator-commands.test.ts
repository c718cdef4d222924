import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@app/stack/free-port';
import { repositoryRoot } from '@app/stack/netlify-dev';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DevServer } from './support/dev-server.ts';
import { startDevServer } from './support/dev-server.ts';
import { runScript } from './support/run-script.ts';

/** Only what the test passes: the developer's own shell must not change the verdict. */
const pnpmScript = (name: string, args: readonly string[], env: Record<string, string | undefined> = {}) =>
  runScript(name, args, { PATH: process.env.PATH, HOME: process.env.HOME, ...env });

describe('pnpm smoke', () => {
  describe('against pnpm dev', () => {
    let app: DevServer;
    beforeAll(async () => {
      app = await startDevServer({ DATABASE_URL: inject('databaseUrl'), FEATURE_DEBUG_ERROR_ENABLED: 'true' });
    });
    afterAll(() => app?.stop());

    it('should pass, and with --sentry print the errorId to look up', async () => {
      const { code, output } = await pnpmScript('smoke', [app.baseUrl, '--sentry', '--timeout', '10']);
      expect(code, output).toBe(0);
      expect(output).toMatch(/ok {3}health at \/api\/health: pass/);
      expect(output).toMatch(/ok {3}health at \/\.netlify\/functions\/health/);
      expect(output).toMatch(/ok {3}server statement limit: 5000 ms/);
      expect(output).toMatch(/search Sentry for errorId:ERR-[0-9A-Z]{8}/);
      expect(output).toContain('Smoke checks passed');
    });

    it('should fail in one line naming both limits when the server allows longer statements than DB_STATEMENT_TIMEOUT_MS', async () => {
      // The run's database enforces the migrations' 5 s; this shell expects at most 1 s.
      const { code, output } = await pnpmScript('smoke', [app.baseUrl, '--timeout', '1'], {
        DB_STATEMENT_TIMEOUT_MS: '1000',
      });
      expect(code).toBe(1);
      expect(output).toMatch(
        /^FAIL server statement limit: the server's statement_timeout is 5000 ms, above DB_STATEMENT_TIMEOUT_MS \(1000 ms\)$/m,
      );
    });
  });

  it('should fail with a clear reason against a closed port', async () => {
    const { code, output } = await pnpmScript('smoke', [`http://127.0.0.1:${await freePort()}`, '--timeout', '1']);
    expect(code).toBe(1);
    expect(output).toMatch(/FAIL health at \/api\/health: fetch failed \(connect ECONNREFUSED/);
  });

  describe('against a site whose health is fail', () => {
    let app: DevServer;
    beforeAll(async () => {
      app = await startDevServer({
        DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/none`,
        DB_CONNECT_TIMEOUT_MS: '500',
      });
    });
    afterAll(() => app?.stop());

    it('should retry, then fail naming the health status', async () => {
      const { code, output } = await pnpmScript('smoke', [app.baseUrl, '--timeout', '4']);
      expect(code).toBe(1);
      expect(output).toContain('retrying');
      expect(output).toContain(
        'FAIL health at /api/health: /api/health answered 503 with status "fail" (want 200 pass)',
      );
    });
  });
});

describe('pnpm check-env', () => {
  const remote = {
    DATABASE_URL: 'postgresql://app:pw-canary-81726354@ep-cool-123-pooler.eu-central-1.aws.neon.tech/app',
    API_TOKEN: 'token-canary-0123456789',
    SENTRY_DSN: 'https://key@o1.ingest.sentry.io/2',
  };

  it('should pass production on a well-formed remote environment', async () => {
    const { code, output } = await pnpmScript('check-env', ['--context', 'production'], remote);
    expect(code, output).toBe(0);
    expect(output).toContain('Environment is valid for production.');
    expect(output).toContain('applies with the next production deploy (docs/deploy.md#redeploy)');
  });

  it('should fail production on a localhost DATABASE_URL, naming it and printing no value', async () => {
    const local = { ...remote, DATABASE_URL: 'postgres://postgres:pw-canary-81726354@localhost:5432/app' };
    const { code, output } = await pnpmScript('check-env', ['--context', 'production'], local);
    expect(code).toBe(1);
    expect(output).toContain('DATABASE_URL: points at this machine (localhost or a socket) in production');
    expect(output).not.toContain('pw-canary');
    expect(output).not.toContain('token-canary');
  });

  it('should list every problem and warn about unknown flags', async () => {
    const { code, output } = await pnpmScript('check-env', ['--context', 'deploy-preview'], {
      DB_POOL_MAX: '500',
      FEATURE_PROPOSAL_ARCHIVED_ENABLED: 'true',
    });
    expect(code).toBe(1);
    for (const variable of ['DATABASE_URL', 'API_TOKEN', 'DB_POOL_MAX']) expect(output).toContain(`${variable}:`);
  });

  it('should warn about a flag variable no flag declares', async () => {
    const { code, output } = await pnpmScript('check-env', ['--context', 'production'], {
      ...remote,
      FEATURE_PROPOSAL_ARCHIVED_ENABLED: 'true',
    });
    expect(code).toBe(0);
    expect(output).toContain('FEATURE_PROPOSAL_ARCHIVED_ENABLED: matches no flag in packages/flags');
  });

  it('should refuse an unknown context', async () => {
    const { code, output } = await pnpmScript('check-env', ['--context', 'staging']);
    expect(code).toBe(2);
    expect(output).toContain('--context must be one of production, deploy-preview, branch-deploy, dev');
  });

  it('should fail every deployed context on .env.example copied as it is, printing no value', async () => {
    const example = Object.fromEntries(
      readFileSync(join(repositoryRoot, '.env.example'), 'utf8')
        .split('\n')
        .flatMap((line) => {
          const match = /^([A-Z0-9_]+)=(.+)$/.exec(line);
          return match?.[1] && match[2] ? [[match[1], match[2]]] : [];
        }),
    );
    for (const context of ['production', 'deploy-preview', 'branch-deploy']) {
      const { code, output } = await pnpmScript('check-env', ['--context', context], example);
      expect(code, context).toBe(1);
      expect(output).toMatch(/API_TOKEN: is a documented placeholder/);
      expect(output).not.toContain(example.API_TOKEN);
    }
  });
});

/** Every `pnpm <command>` backed by a script of ours, with the options its --help must name. */
const commands: [script: string, options: string[]][] = [
  ['dev', ['--port', '--host', '--spotlight']],
  ['check-env', ['--context', '--netlify-db']],
  ['db-migrate', ['--to']],
  ['smoke', ['<base-url>', '--sentry', '--timeout']],
  ['rollback', ['--site', '--execute', '--yes', '--url', '--wait', '--unlock']],
  ['watch', ['<site-url>', '--minutes', '--interval', '--p99', '--max-error-rate']],
  [
    'load',
    ['--scenario', '--target', '--duration', '--connections', '--token', '--p99', '--max-error-rate', '--timeout'],
  ],
  ['bench', ['--quick', '--skip-netlify-dev']],
  [
    'serve',
    [
      '--port',
      '--host',
      '--context',
      '--max-instances',
      '--max-queue',
      '--queue-timeout',
      '--retire-after',
      '--timeout',
      '--no-build',
      '--quiet',
    ],
  ],
  ['build', []],
  ['build-functions', []],
];

// Each test only runs a command and reads its output: five at a time keep both cores busy.
describe.concurrent('every operator command', () => {
  it.for(commands)('pnpm %s --help should exit 0 and name each option', async ([script, options], { expect }) => {
    const { code, output } = await pnpmScript(script, ['--help']);
    expect(code, output).toBe(0);
    for (const option of [...options, '--help']) expect(output).toContain(option);
    expect(output).toMatch(/Examples:\n {2}pnpm /);
    expect(output).toMatch(/Exit codes:\n {2}0 {2}success/);
  });

  it.for(commands)(
    'pnpm %s --no-such-option should exit 2 with one line and no stack',
    async ([script], { expect }) => {
      const { code, output } = await pnpmScript(script, ['--no-such-option']);
      expect(code).toBe(2);
      expect(output.trim().split('\n')).toEqual([
        expect.stringMatching(/^pnpm [\w:-]+: Unknown option '--no-such-option'\. Usage: pnpm /),
      ]);
      expect(output).not.toMatch(/^\s+at /m);
    },
  );

  it.for([
    ['dev', ['--port', 'eighty']],
    ['serve', ['--context', 'dev']],
    ['load', ['--scenario', 'nope']],
    ['load', ['--target', 'ftp://x']],
    ['db-migrate', ['--to']],
    ['smoke', []],
    ['smoke', ['not-a-url']],
    ['watch', ['not-a-url']],
    ['watch', ['http://localhost', '--interval', '1']],
  ] as const)('pnpm %s %j should exit 2 with one line naming the problem', async ([script, args], { expect }) => {
    const { code, output } = await pnpmScript(script, args);
    expect(code).toBe(2);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toMatch(/Usage: pnpm /);
    expect(output).not.toMatch(/^\s+at /m);
  });
});
