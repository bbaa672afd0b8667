// A person who uses only the keyboard: sign in, Security info, Add method, the wizard (radios with
// arrow keys, the country by typing its name), the call, the phone (answer and # by keyboard),
// Done. No clicks anywhere; focus is always visible.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkEveryPage,
  launchBrowser,
  listedMethods,
  pollUntil,
  screenshot,
  simPhonePath,
  startSeededServer,
} from './lib/harness.mjs';

const NAME = 'keyboard';
let env;
let browser;
let a11y; // axe on every page that loads

before(async () => {
  env = await startSeededServer({ users: [{ email: 'eve@contoso.example', name: 'Eve Martin', locale: 'en' }] });
  browser = await launchBrowser(env.dir, { locale: 'en-US' });
  a11y = checkEveryPage(browser);
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

/** What has the focus, described for messages. */
function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'body';
    return `<${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.name ? ` name=${e.name}` : ''}${e.value ? ` value=${e.value}` : ''}> "${(e.textContent || '').trim().slice(0, 40)}"`;
  });
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches `selector`; fails after `max`
 * presses. Checks the focused element shows a focus indicator.
 */
async function tabTo(page, selector, { max = 30, back = false } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
      const outline = await page.evaluate(() => {
        const st = getComputedStyle(document.activeElement);
        return { style: st.outlineStyle, width: parseFloat(st.outlineWidth) };
      });
      assert.ok(outline.style !== 'none' && outline.width >= 2, `${selector} has a visible focus outline (${JSON.stringify(outline)})`);
      return;
    }
  }
  throw new Error(`${selector} never got the focus after ${max} Tab presses (focus is on ${await focused(page)})`);
}

/** Presses a key that navigates, and waits for the new page to load. */
async function pressAndWait(page, key) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await page.keyboard.press(key);
  await navigated;
  await page.waitForLoadState('load');
}

test('the phone wizard can be completed with the keyboard alone', async () => {
  const { server } = env;
  const page = await browser.newPage();

  // Sign in: the account field has the focus when the page opens.
  await page.goto(server.url('/sign-in'));
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'username');
  await page.keyboard.type('eve@contoso.example');
  await tabTo(page, '#password');
  await page.keyboard.type('correct horse battery staple');
  await pressAndWait(page, 'Enter');
  assert.equal(new URL(page.url()).pathname, '/security-info');

  // The first Tab reaches the skip link, which shows itself and moves the focus to the content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip');
  const box = await page.locator('a.skip').boundingBox();
  assert.ok(box && box.x >= 0 && box.y >= 0, `the skip link is on screen when focused (${JSON.stringify(box)})`);
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');

  // Security info → Add method.
  await tabTo(page, '#add-method');
  await screenshot(page, NAME, 'security-info-focus-add');
  await pressAndWait(page, 'Enter');
  assert.equal(new URL(page.url()).pathname, '/security-info/add');
  await tabTo(page, '#method-select');
  assert.equal(await page.locator('#method-select').inputValue(), 'phone');
  await tabTo(page, '#add-method-form button[type=submit]');
  await pressAndWait(page, 'Enter');
  assert.equal(new URL(page.url()).pathname, '/security-info/phone');

  // The wizard: the type with the arrow keys, the country by typing, then the number.
  await tabTo(page, 'input[name=phone_type]');
  assert.equal(await page.evaluate(() => document.activeElement.value), 'mobile');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('input[name=phone_type]:checked').getAttribute('value'), 'office');
  await tabTo(page, '#region');
  await page.keyboard.type('France');
  assert.equal(await page.locator('#region').inputValue(), 'FR', 'typing a name picks the country');
  await tabTo(page, '#number');
  await page.keyboard.type('04 25 55 51 23');
  await tabTo(page, 'input[name=verify]');
  assert.equal(await page.evaluate(() => document.activeElement.checked), true, '"Call me" is chosen');
  await tabTo(page, 'main form button[type=submit]');
  // One step back lands on Cancel, then forward again to Next.
  await tabTo(page, 'main form a.button', { back: true, max: 1 });
  await tabTo(page, 'main form button[type=submit]', { max: 1 });
  await screenshot(page, NAME, 'wizard-focus-next');
  await pressAndWait(page, 'Enter');
  assert.match(page.url(), /\/security-info\/phone\/calls\//);

  // The phone: answer and press # with the keyboard.
  const phone = await browser.newPage();
  await phone.goto(server.url(simPhonePath('+33425555123')));
  await pollUntil(async () => (await phone.locator('#answer').count()) === 1 || (await phone.reload(), false), {
    timeout: 10_000,
    message: 'the phone to ring',
  });
  await tabTo(phone, '#answer');
  await pressAndWait(phone, 'Enter');
  await tabTo(phone, '.keypad button[value="#"]');
  await screenshot(phone, NAME, 'phone-focus-pound');
  await pressAndWait(phone, 'Space');
  assert.match(await phone.locator('main').innerText(), /No call right now/);

  // Success, then Done by keyboard.
  await pollUntil(() => page.locator('#done').isVisible(), { timeout: 15_000, message: 'the success page' });
  await tabTo(page, '#done');
  await pressAndWait(page, 'Enter');
  assert.deepEqual(await listedMethods(page), ['Office phone|+33 4 25 55 51 23']);
  await screenshot(page, NAME, 'security-info-listed');
});

test('axe: no serious or critical violation on any page that loaded', async () => {
  await a11y.assertClean();
});
