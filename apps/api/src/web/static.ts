import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from '@app/platform';

/**
 * Everything the front end loads comes from this origin; no inline script or style, no framing.
 * Element Plus and ECharts set styles through the CSSOM (element.style), which a CSP does not
 * govern; a `style="…"` attribute in markup would be refused, and the browser test checks none is.
 */
export const WEB_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/**
 * Where `npm run build:web` puts the front end: dist/web at the repository root, found from this
 * file whether it runs compiled (dist/apps/api/src/web) or from source under jest (apps/api/src/web).
 */
export function webRoot(): string {
  const up = resolve(__dirname, '..', '..', '..', '..');
  return basename(up) === 'dist' ? join(up, 'web') : join(up, 'dist', 'web');
}

/** Serves apps/web's build at /: hashed assets cached for a year, the page itself revalidated. */
export function serveWeb(app: NestExpressApplication, log: Logger): void {
  const root = webRoot();
  if (!existsSync(join(root, 'index.html'))) log.warn({ root }, 'the front end is not built: run `npm run build:web` (npm start does)');
  app.use(/^\/(?!api\/|docs|health)/, (_req: unknown, res: { setHeader(k: string, v: string): void }, next: () => void) => {
    res.setHeader('Content-Security-Policy', WEB_CSP);
    next();
  });
  app.useStaticAssets(join(root, 'assets'), { prefix: '/assets/', immutable: true, maxAge: '365d', index: false });
  app.useStaticAssets(root, { index: 'index.html', maxAge: 0, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') });
}
