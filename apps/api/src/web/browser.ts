import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Builds the front end if its sources changed (a no-op otherwise), as `npm start` does. */
export function buildWeb(): void {
  execFileSync(process.execPath, [join(__dirname, '..', '..', '..', 'web', 'build.mjs'), '--quiet'], { stdio: 'inherit' });
}

/**
 * Headless Chromium (Debian's, driven by playwright-core) with every console error, page error
 * and CSP violation of every page collected in `problems`.
 */
export async function launchBrowser(): Promise<{ browser: Browser; problems: string[]; newPage(): Promise<{ context: BrowserContext; page: Page }> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const problems: string[] = [];
  return {
    browser,
    problems,
    async newPage() {
      const context = await browser.newContext();
      // A CSP violation fires this event in the page; the listener comes from the browser driver, not from the page's own scripts.
      await context.addInitScript(
        "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));",
      );
      const page = await context.newPage();
      page.on('console', (m) => m.type() === 'error' && problems.push(`${page.url()}: ${m.text()} (${m.location().url})`));
      page.on('pageerror', (e) => problems.push(`${page.url()}: ${String(e)}`));
      return { context, page };
    },
  };
}
