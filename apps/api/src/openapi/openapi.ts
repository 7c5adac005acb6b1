import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { isPublic } from '../http/auth';
import { errorResponseComponents, errorResponses, ERROR_ENVELOPE } from './error-responses';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * The OpenAPI document as served at /docs/openapi.json and as the front end's types are generated
 * from (`npm run api:types`): Nest's document from the controllers, then made honest in one
 * place: the server it is served from, a security declaration on every operation (none on the
 * public ones), and every operation's error responses in the error envelope with their codes.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Campaign platform API')
    .setDescription('Commands, queries and health of the event-sourced marketing-campaign platform. Errors always come as `{ "error": { "code", "message", "details" } }`.')
    .setVersion('0.1.0')
    .addServer('/', 'the server that serves this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'campaignctl token --user <staff id>' })
    .build();
  return honest(SwaggerModule.createDocument(app, config), publicOperations(app));
}

/** Operation ids (`<Controller>_<method>`, as Nest names them) of the routes marked `@Public()`. */
function publicOperations(app: INestApplication): Set<string> {
  const ids = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const proto = metatype.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name !== 'constructor' && typeof handler === 'function' && (isPublic(handler) || isPublic(metatype))) ids.add(`${metatype.name}_${name}`);
      }
    }
  }
  return ids;
}

export function honest(doc: OpenAPIObject, publicIds: ReadonlySet<string>): OpenAPIObject {
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ErrorEnvelope: ERROR_ENVELOPE }, responses: { ...doc.components?.responses, ...(errorResponseComponents() as object) } };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      // Every route needs a token but the @Public() ones, whatever their controller declares for the rest.
      const secured = !publicIds.has(op.operationId ?? '');
      op.security = secured ? [{ bearer: [] }] : [];
      op.responses = { ...op.responses, ...(errorResponses({ method, path, secured, hasBody: op.requestBody !== undefined }) as typeof op.responses) };
    }
  }
  fixNullable(doc);
  return doc;
}

/** OpenAPI 3.0 allows `nullable` only beside a `type`: a nullable `anyOf`/`$ref` is written as a union with `{ nullable: true }` members dropped. */
function fixNullable(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(fixNullable);
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (o.nullable === true && o.type === undefined) {
    const union = (o.anyOf ?? o.oneOf) as Record<string, unknown>[] | undefined;
    const typed = union?.find((m) => typeof m.type === 'string');
    if (union && typed) for (const m of union) if (m.type !== undefined) m.nullable = true;
    delete o.nullable;
  }
  for (const v of Object.values(o)) fixNullable(v);
}
