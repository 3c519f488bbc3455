import { test as base, expect, Page } from '@playwright/test';

// Every test fails on a page error, a console error, or any response of 400 or more.
export const test = base.extend<{ problems: string[] }>({
  problems: [async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
    await use(problems);
    expect(problems, 'no errors in the browser').toEqual([]);
  }, { auto: true }],
});
export { expect };

/// Waits until the WASM bundle has hydrated the page (an Effect sets data-hydrated="true").
export async function hydrated(page: Page) {
  await expect(page.locator('.app')).toHaveAttribute('data-hydrated', 'true');
}
