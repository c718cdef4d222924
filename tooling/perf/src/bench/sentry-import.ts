import { repositoryRoot } from '@app/stack/netlify-dev';
import { runProcess } from '@app/stack/run-process';
import { median } from './measure.ts';

const sentryProbe = `const started = performance.now();
const Sentry = await import('@sentry/node');
Sentry.initWithoutDefaultIntegrations({ dsn: 'http://key@127.0.0.1:9/1', enableOpenTelemetrySetup: false,
  integrations: [Sentry.linkedErrorsIntegration(), Sentry.functionToStringIntegration()] });
console.log(performance.now() - started);`;

/** What an instance's first error pays instead of the cold start: importing and initialising the SDK, fresh process (median ms). */
export async function measureSentryImport(rounds: number): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const { stdout } = await runProcess(process.execPath, ['--input-type=module', '-e', sentryProbe], {
      cwd: repositoryRoot,
    });
    times.push(Number(stdout.trim()));
  }
  return median(times);
}
