import 'reflect-metadata';
import { runMain, startProjector } from '@app/platform';
import { createApi } from './bootstrap';

/** `npm start`: the HTTP api on PORT (on the embedded default, the whole product in one process). */
runMain('api', async (runtime, config) => {
  if (config.runProjector) await startProjector(runtime, { wait: true });
  const app = await createApi(runtime);
  try {
    await app.listen(config.port, config.host);
  } catch (err) {
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  runtime.log.info({ url: `http://${config.host}:${config.port}`, docs: `http://${config.host}:${config.port}/docs` }, 'api listening');
  return app;
});
