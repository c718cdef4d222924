import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DevServer } from './support/dev-server.ts';
import { startDevServer } from './support/dev-server.ts';
import { runScript } from './support/run-script.ts';

describe('pnpm load against pnpm dev', () => {
  const token = 'load-token-0123456789abcdef';
  let app: DevServer;
  beforeAll(async () => {
    app = await startDevServer({ DATABASE_URL: inject('databaseUrl'), API_TOKEN: token, LOG_LEVEL: 'warn' });
  });
  afterAll(() => app?.stop());

  it('should pass the smoke scenario, print a table per endpoint and write both reports', async () => {
    const { code, output } = await runScript(
      'load',
      // What is tested is the command's behaviour, not this machine's speed: on a loaded 2-core
      // machine netlify dev can take over 10 s to answer, so latency bounds are lifted here.
      ['--scenario', 'smoke', '--target', app.baseUrl, '--token', token, '--timeout', '60', '--p99', '60000'],
      {
        ...process.env,
        DATABASE_URL: inject('databaseUrl'),
      },
    );
    expect(code, output).toBe(0);
    for (const endpoint of ['health', 'list', 'get', 'create', 'update', 'total']) {
      expect(output).toMatch(new RegExp(`^${endpoint}\\s+\\d+`, 'm'));
    }
    expect(output).toMatch(/app PostgreSQL connections: before \d+, peak \d+, after \d+/);
    const json = /report: .*\n\s+(\S+\.json)/.exec(output)?.[1];
    expect(json).toBeDefined();
    const report = JSON.parse(readFileSync(json as string, 'utf8')) as { verdict: string; series: unknown[] };
    expect(report.verdict).toBe('pass');
    expect(report.series.length).toBeGreaterThan(0);
    expect(readFileSync((json as string).replace(/\.json$/, '.html'), 'utf8')).toContain('<svg');
    expect(output).toContain('PASS smoke');
  });

  it('should exit 1 with a one-line reason when a threshold is breached', async () => {
    const { code, output } = await runScript('load', [
      '--scenario',
      'smoke',
      '--target',
      app.baseUrl,
      '--token',
      token,
      '--duration',
      '2',
      '--p99',
      '1',
    ]);
    expect(code).toBe(1);
    expect(output).toMatch(/^FAIL smoke: p99 \d+ ms > 1 ms$/m);
  });

  it('should refuse a token the target does not accept', async () => {
    const { code, output } = await runScript('load', [
      '--scenario',
      'smoke',
      '--target',
      app.baseUrl,
      '--token',
      'wrong-token-0123456789',
    ]);
    expect(code).toBe(1);
    expect(output).toContain('FAIL smoke: the target refused the API token');
  });
});

describe('pnpm bench --quick', () => {
  it('should measure every ratio and print the report (timings are not asserted)', async () => {
    const { code, output } = await runScript('bench', ['--quick'], {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
    });
    expect(code, output).toBe(0);
    expect(output).toMatch(
      /\| warm, an instance's first [\d,]+ requests \(before V8's top tier\): health handler vs its bare query \| [\d.]+ ms \| [\d.]+ ms \|/,
    );
    expect(output).toMatch(
      /\| warm: health handler vs its bare query \(`pingSql`\) \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+× \|/,
    );
    expect(output).toMatch(
      /\| warm calibration: the bare query \+ 100 µs of CPU vs the bare query .*\| [\d.]+ ms \| [\d.]+ ms \|/,
    );
    expect(output).toMatch(
      /\| request log: a health request's three kept lines vs none .*\| [\d.]+ ms \| [\d.]+ ms \|/,
    );
    expect(output).toMatch(/\| cold: health bundle vs bare Neon-query bundle \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+× \|/);
    expect(output).toMatch(
      /\| cold, deploy zip via its entry point: health vs bare .*\| [\d.]+ ms \| [\d.]+ ms \| [\d.]+× \|/,
    );
    expect(output).toMatch(
      /\| warm, deploy zip via its entry point: health vs bare .*\| [\d.]+ ms \| [\d.]+ ms \| [\d.]+× \|/,
    );
    expect(output).toMatch(/\| netlify dev, 15 clients: \/api\/health vs bare \(throughput\) \| [\d.]+ rps/);
    expect(output).toMatch(/\| statement limit per query, .*: set local vs role default \| [\d.]+ ms \| [\d.]+ ms \|/);
    expect(output).toMatch(/\| dist\/functions\/health\.mjs \| [\d.]+ KiB \|/);
    expect(output).toMatch(/Sentry SDK import \+ init .*: [\d.]+ ms/);
    expect(output).toMatch(/In-process, 15 concurrent callers.*\n\d+ requests, \d+ rps, p50 [\d.]+ ms, p99 [\d.]+ ms/);
    // About 70 s alone on two cores; a measurement, not a race: it may take longer on a busy machine.
  }, 360_000);
});
