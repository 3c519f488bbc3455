import { test, expect, hydrated } from './fixtures';

test('the home page lists seeded products with pictures, names and prices', async ({ page }) => {
  await page.goto('/');
  const cards = page.getByRole('region', { name: 'Featured products' }).locator('.product-card');
  await expect(cards).toHaveCount(12);
  const first = cards.first();
  await expect(first.locator('.product-card__name')).not.toBeEmpty();
  await expect(first.locator('.price')).toHaveText(/^\$\d[\d,]*\.\d{2}$/);
  const img = first.locator('img');
  await expect(img).toHaveAttribute('src', /\/images\/products\/.+\.svg$/);
  // The picture really loaded (naturalWidth is 0 for a broken image).
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
});

test('the page hydrates and the assistant launcher responds to a click', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const launcher = page.getByRole('button', { name: 'Ask the assistant' });
  await expect(launcher).toHaveAttribute('aria-expanded', 'false');
  await launcher.click();
  await expect(page.getByRole('dialog', { name: 'Shopping assistant' })).toBeVisible();
  await expect(launcher).toHaveAttribute('aria-expanded', 'true');
  await page.getByRole('button', { name: 'Close assistant' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
});

test('category navigation leads to that category\'s products', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Coffee' }).click();
  await expect(page).toHaveURL(/\/category\/coffee$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Coffee');
  await expect(page.locator('.product-card').first()).toContainText(/Whole bean|Ground/);
});

test('the search box finds products by name', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByRole('searchbox', { name: 'Search products' }).fill('dutch ovens');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/search\?q=dutch\+ovens/);
  await expect(page.locator('.product-card').first()).toContainText('Enamel Dutch Oven');
});

test('the layout fits a phone screen without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/');
  await hydrated(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole('searchbox', { name: 'Search products' })).toBeVisible();
});
