import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';

/**
 * The routes a running Nest app serves for one HTTP method, from its controllers' metadata:
 * `['POST /api/campaigns', 'POST /api/campaigns/:campaignId/submit', …]`, sorted.
 */
export function declaredRoutes(app: INestApplication, method: keyof typeof RequestMethod = 'POST'): string[] {
  const routes = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const prefixes = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
      const proto = metatype.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = name === 'constructor' ? undefined : proto[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod[method]) continue;
        for (const prefix of prefixes) {
          for (const path of ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, handler) ?? '')) {
            routes.add(`${method} /${[prefix, path].flatMap((p) => p.split('/')).filter(Boolean).join('/')}`);
          }
        }
      }
    }
  }
  return [...routes].sort();
}
