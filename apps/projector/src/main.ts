import 'reflect-metadata';
import { runMain } from '@app/platform';

/**
 * The projector process: follows the store's global stream and keeps the read models.
 * Projections arrive with the read-side work; until then it starts, migrates and idles.
 */
runMain('projector', async (runtime) => {
  runtime.log.info({ store: runtime.store.kind }, 'projector started (no projections registered yet)');
  return { close: async () => undefined };
});
