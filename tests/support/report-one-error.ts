/**
 * A process that reports one error the way a function does (the wrapper, the real SDK) and then
 * has nothing left to do: it must exit by itself, whatever Sentry's ingest does. Prints the status.
 */
import { withObservability } from '@app/observability';

const failing = withObservability(async () => {
  throw new Error('reported from a short-lived process');
});
const response = await failing(new Request('http://localhost/x'), {});
console.log(`STATUS ${response.status}`);
