import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

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
      // A read that asked for this tab's last write while the read model was still behind (503,
      // `?minPosition=`) is the screen's own retry path (api.ts readFresh), not a problem.
      const retried = (m: ConsoleMessage) => m.text().includes('status of 503') && m.location().url.includes('minPosition=');
      page.on('console', (m) => m.type() === 'error' && !retried(m) && problems.push(`${page.url()}: ${m.text()} (${m.location().url})`));
      page.on('pageerror', (e) => problems.push(`${page.url()}: ${String(e)}`));
      return { context, page };
    },
  };
}

/** Expected refusals show in the console as failed loads: takes exactly those out of `problems` (and checks how many), leaves anything else. */
export function expectFailedLoads(problems: string[], status: number, count: number): void {
  const matching = problems.filter((p) => p.includes(`status of ${status}`));
  expect(matching).toHaveLength(count);
  problems.splice(0, problems.length, ...problems.filter((p) => !matching.includes(p)));
}

/** Fills the sign-in form of the app at `url` and sends it. */
export async function signIn(page: Page, url: string, staffId: string, password: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.fill('#staff-id', staffId);
  await page.fill('#password', password);
  await page.click('#sign-in');
}

/** Signs in with a one-time password and changes it, as a first sign-in must; resolves once the app's tabs show. */
export async function signInFirstTime(page: Page, url: string, staffId: string, oneTime: string, newPassword: string): Promise<void> {
  await signIn(page, url, staffId, oneTime);
  await page.waitForSelector('#change-password');
  await page.fill('#current-password', oneTime);
  await page.fill('#new-password', newPassword);
  await page.fill('#repeat-password', newPassword);
  await page.click('#change-password-submit');
  await page.waitForSelector('#tabs');
}

/**
 * Moves the mouse over a chart's canvas, row by row, until ECharts shows a tooltip (the chart's
 * `data-tip` counts them: EChart.vue sets it on ECharts' showTip event). Any inline style the
 * tooltip tried to write lands in `problems` as a CSP violation.
 */
export async function hoverChart(page: Page, selector: string): Promise<number> {
  const canvas = await page.waitForSelector(`${selector} canvas`);
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const shown = async () => Number((await page.getAttribute(selector, 'data-tip')) ?? 0);
  const done = async (tip: number) => {
    await page.waitForTimeout(200); // the tooltip drawn (and any CSP report delivered)
    await page.mouse.move(0, 0);
    return tip;
  };
  for (let fy = 0.1; fy < 0.95; fy += 0.1) {
    for (let fx = 0.2; fx < 0.95; fx += 0.1) {
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
      const tip = await shown();
      if (tip > 0) return done(tip);
    }
    // ECharts throttles its tooltip: one may come a moment after the row's last move (a loaded machine).
    // (asked from here, not with waitForFunction's string, which the page's CSP refuses as eval)
    for (let i = 0; i < 6; i++) {
      await page.waitForTimeout(50);
      const tip = await shown();
      if (tip > 0) return done(tip);
    }
  }
  await page.mouse.move(0, 0);
  if (process.env.HOVER_DEBUG) await page.screenshot({ path: `/tmp/hover-${selector.replace(/\W/g, '')}.png`, fullPage: true });
  return 0;
}

/**
 * Picks `option` in an Element Plus single select until the select shows it. On a loaded machine a
 * click can land while the dropdown is still opening, or a late re-render (a screen's second load)
 * closes the dropdown under it: the page is let settle first, and a click that does not take is
 * tried again with the dropdown opened anew (CI saw both).
 */
export async function chooseOption(page: Page, wrapper: string, option: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  const item = `.el-select-dropdown__item:visible:has-text("${option}")`;
  for (let tries = 0; !((await page.textContent(wrapper)) ?? '').includes(option); tries++) {
    if (tries === 5) throw new Error(`${wrapper} never showed ${option}`);
    if (!(await page.$(item))) await page.click(wrapper);
    await page.click(item, { timeout: 5_000 }).catch(() => undefined);
    await page.waitForTimeout(300);
  }
}
