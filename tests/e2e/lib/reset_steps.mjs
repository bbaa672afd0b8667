// The steps of self-service password reset ("Forgot my password?"), shared by the
// password_reset*.test.mjs files: from the sign-in page's link to the first verification step,
// the ways offered, a way chosen, the whole number typed, the new password.
import assert from 'node:assert/strict';
import { clickAndWaitForNavigation } from './harness.mjs';
import { pathOf } from './sign_in_steps.mjs';

/** The words of the reset pages this file clicks, by language. */
export const RESET_WORDS = {
  fr: { link: 'Mot de passe oublié ?', next: 'Suivant', finish: 'Terminer' },
  en: { link: 'Forgot my password?', next: 'Next', finish: 'Finish' },
};

/**
 * From the sign-in page (cookies cleared): the link, the user name, and the first verification
 * step. `words`: RESET_WORDS.fr or .en, as the page speaks.
 */
export async function startReset(page, server, email, words) {
  await page.context().clearCookies();
  await page.goto(server.url('/sign-in'));
  await clickAndWaitForNavigation(page, page.getByRole('link', { name: words.link }));
  assert.equal(pathOf(page), '/password-reset');
  await page.locator('#username').fill(email);
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: words.next }));
  assert.equal(pathOf(page), '/password-reset/verify');
}

/** The ways this step offers, as their buttons read. */
export function offeredWays(page) {
  return page.locator('#reset form.choice button').allTextContents();
}

/** Chooses the way whose button reads `label`. */
export async function chooseWay(page, label) {
  await clickAndWaitForNavigation(page, page.getByRole('button', { name: label, exact: true }));
}

/** Types `number` as the whole phone number asked for, and submits it. */
export async function typeWholeNumber(page, number) {
  await page.locator('#number').fill(number);
  await clickAndWaitForNavigation(page, page.locator('#reset-number-submit'));
}

/** Types `code` in the step's code field, and submits it. */
export async function typeResetCode(page, code) {
  await page.locator('#code').fill(code);
  await clickAndWaitForNavigation(page, page.locator('#reset-code-submit'));
}

/** On "Choose a new password": types it twice and finishes. */
export async function chooseNewPassword(page, password) {
  await page.locator('#new-password').fill(password);
  await page.locator('#confirm-password').fill(password);
  await clickAndWaitForNavigation(page, page.locator('#reset-finish'));
}
