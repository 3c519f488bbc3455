import { test as base, expect, Browser, Page } from '@playwright/test';

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

/// Registers a new account through the page (the password is 'a good password') and waits for
/// the account page.
export async function register(page: Page, name: string, email: string) {
  await page.goto('/register');
  await hydrated(page);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a good password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
}

/// Signs the seeded admin in on a fresh browser context; close the context when done.
export async function signInAsAdmin(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(process.env.E2E_ADMIN_EMAIL ?? 'admin@waypoint.test');
  await page.getByLabel('Password').fill(process.env.E2E_ADMIN_PASSWORD ?? 'e2e-admin-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/account$/);
  return { context, page };
}
