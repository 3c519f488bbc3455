import { test, expect, hydrated, signInAsAdmin } from './fixtures';

test('the assistant streams a reply with product cards, adds one from its card, and the conversation survives a reload', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByRole('button', { name: 'Ask the assistant' }).click();
  const chat = page.getByRole('dialog', { name: 'Shopping assistant' });
  await chat.getByLabel('Message').fill('show me wireless headphones');
  // The reply streams: Server-Sent Events from /v1/interactions, read as they arrive.
  const streamed = page.waitForResponse(
    (r) => r.url().endsWith('/v1/interactions') && (r.headers()['content-type'] ?? '').startsWith('text/event-stream'),
  );
  await chat.getByRole('button', { name: 'Send' }).click();
  await streamed;

  const reply = chat.locator('.chat__turn--assistant[data-intent="product_search"]');
  await expect(reply).toContainText('I found');
  const firstCard = reply.locator('.chat__card').first();
  await expect(firstCard.locator('.price')).toHaveText(/^\$\d/);
  await expect(page.getByTestId('cart-count')).toHaveText('0');
  await firstCard.getByRole('button', { name: 'Add' }).click();
  await expect(firstCard.getByRole('button', { name: 'Added' })).toBeVisible();
  await expect(page.getByTestId('cart-count')).toHaveText('1');

  // By words too: the assistant acts on the real cart.
  await chat.getByLabel('Message').fill("what's in my cart?");
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.locator('.chat__turn--assistant[data-intent="view_cart"]')).toContainText('You have 1 items');

  await page.reload();
  await hydrated(page);
  await page.getByRole('button', { name: 'Ask the assistant' }).click();
  await expect(page.getByRole('dialog', { name: 'Shopping assistant' }).locator('.chat__turn--user')).toHaveCount(2);
});

test('a shopper asks for a person, the team answers from the dashboard, and the answer is in their chat', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const ref = `parcel ref Q${Date.now()}`;
  await page.goto('/');
  await hydrated(page);
  await page.getByRole('button', { name: 'Ask the assistant' }).click();
  const chat = page.getByRole('dialog', { name: 'Shopping assistant' });
  await chat.getByLabel('Message').fill(`my ${ref} has not arrived`);
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.locator('.chat__turn--assistant')).toHaveCount(1);
  await chat.getByLabel('Message').fill('let me talk to a real person');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.locator('.chat__turn--assistant[data-intent="human_handoff"]')).toContainText('a person from our team');

  // The team's queue shows the request with the conversation; a reply answers it.
  const { context: adminContext, page: admin } = await signInAsAdmin(browser);
  // The header tells the admin someone is waiting, and leads to the queue.
  await admin.getByRole('link', { name: /requests? for a person waiting/ }).click();
  await expect(admin).toHaveURL(/\/admin\/handoffs$/);
  const request = admin.locator('.handoffs__item', { hasText: ref });
  await expect(request.locator('.handoffs__message')).toHaveText('let me talk to a real person');
  await hydrated(admin);
  await request.getByLabel('Reply to the shopper').fill('Hi, this is Sam from the team: your parcel left our warehouse today.');
  await request.getByRole('button', { name: 'Send reply' }).click();
  await expect(admin.locator('.handoffs__item', { hasText: ref })).toHaveCount(0);
  await admin.getByRole('link', { name: 'Answered' }).click();
  await expect(admin.locator('.handoffs__item', { hasText: ref }).locator('.handoffs__reply')).toContainText('your parcel left');
  await adminContext.close();

  // The open chat picks the answer up by itself, marked as from a person.
  const live = chat.locator('.chat__turn--staff');
  await expect(live).toContainText('your parcel left our warehouse today', { timeout: 15_000 });
  await expect(live).toContainText('From our team');

  // And it stays in the conversation.
  await page.reload();
  await hydrated(page);
  await page.getByRole('button', { name: 'Ask the assistant' }).click();
  const answer = page.getByRole('dialog', { name: 'Shopping assistant' }).locator('.chat__turn--staff');
  await expect(answer).toContainText('From our team');
  await expect(answer).toContainText('your parcel left our warehouse today');
});

test('emptying the cart from chat shows a card naming what goes, and only the click empties it', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByRole('button', { name: 'Ask the assistant' }).click();
  const chat = page.getByRole('dialog', { name: 'Shopping assistant' });
  await chat.getByLabel('Message').fill('show me coffee');
  await chat.getByRole('button', { name: 'Send' }).click();
  const first = chat.locator('.chat__turn--assistant .chat__card').first();
  const name = (await first.locator('a').first().textContent()) ?? '';
  await first.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('cart-count')).toHaveText('1');

  // A question is answered, not acted on.
  await chat.getByLabel('Message').fill('how do I empty my cart?');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.locator('.chat__turn--assistant[data-intent="faq"]')).toContainText('confirm on the card');
  await expect(page.getByTestId('cart-count')).toHaveText('1');

  await chat.getByLabel('Message').fill('empty my cart');
  await chat.getByRole('button', { name: 'Send' }).click();
  const card = chat.getByTestId('action-card');
  await expect(card).toHaveAttribute('data-kind', 'empty_cart');
  await expect(card).toContainText(name.trim());
  await expect(page.getByTestId('cart-count')).toHaveText('1');
  await card.getByRole('button', { name: 'Empty my cart' }).click();
  await expect(card.locator('.notice--ok')).toContainText('Your cart is empty');
  await expect(page.getByTestId('cart-count')).toHaveText('0');
});
