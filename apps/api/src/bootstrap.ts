import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { NestPinoLogger, type Runtime } from '@app/platform';
import { AppModule } from './app.module';
import helmet from 'helmet';
import { auditMiddleware } from './http/audit.middleware';
import { ErrorFilter } from './http/error.filter';

/** Builds the HTTP app on a started runtime; used by main.ts and by the API tests alike. */
export async function createApi(runtime: Runtime): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(runtime), {
    logger: new NestPinoLogger(runtime.log),
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: '1mb', strict: true });
  app.disable('x-powered-by');
  // Security headers (helmet); the OpenAPI page needs its inline script and styles.
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(auditMiddleware(runtime));
  app.useGlobalFilters(new ErrorFilter(runtime.log));
  const openapi = new DocumentBuilder()
    .setTitle('Campaign platform API')
    .setDescription('Commands, queries and health of the event-sourced marketing-campaign platform.')
    .setVersion('0.1.0')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openapi), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
