import { isEnabled } from '@app/flags';
import { NotFoundError } from '@app/http';
import { log, withObservability } from '@app/observability';

/**
 * GET /api/debug/error — throws on purpose so an operator can confirm, after a deploy, that
 * Sentry receives errors. Answers 404 unless FEATURE_DEBUG_ERROR_ENABLED=true.
 */
export default withObservability(async function debugError(_request, { env }) {
  const enabled = isEnabled('debugError', env);
  log.debug('flag debugError read', { enabled });
  if (!enabled) throw new NotFoundError();
  throw new Error('Deliberate test error from /api/debug/error');
});
