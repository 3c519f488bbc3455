import { test as base, expect, Page } from '@playwright/test';

// Every test fails on a page error, a console error, or any response of 400 or more, except
// the failures a test declares it expects (e.g. a refused sign-in).
export const test = base.extend<{ allowedFailures: string[]; problems: string[] }>({
  allowedFailures: [[], { option: true }],
  problems: [async ({ page, allowedFailures }, use) => {
    const problems: string[] = [];
    const allowed = (url: string) => allowedFailures.some((part) => url.includes(part));
    let expectedFailure = false;
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() < 400) return;
      if (allowed(r.url())) { expectedFailure = true; return; }
      problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      // The browser logs every failed fetch, including the ones the test expects.
      if (expectedFailure && m.text().startsWith('Failed to load resource')) return;
      problems.push(`console: ${m.text()}`);
    });
    await use(problems);
    expect(problems, 'no errors in the browser').toEqual([]);
  }, { auto: true }],
});
export { expect };

/// Waits until the WASM bundle has hydrated the page (an Effect sets data-hydrated="true").
export async function hydrated(page: Page) {
  await expect(page.locator('.app')).toHaveAttribute('data-hydrated', 'true');
}
