import { NOTICE_COOKIE, NOTICE_COOKIE_MINUTES } from './flash';
import { RETURN_COOKIE, RETURN_COOKIE_MINUTES } from './return-path';
import { SESSION_COOKIE } from './session';

export type CookieDescription = { name: string; purpose: string; expires: string };

/**
 * Every cookie the service sets: all essential, so none needs consent and there is no banner. The
 * cookies page is this list; a test fails if the service sets a cookie that is not on it.
 */
export function essentialCookies(sessionIdleMinutes: number): CookieDescription[] {
  return [
    {
      name: SESSION_COOKIE,
      purpose: 'Keeps you signed in, and protects the forms you send from being forged (it holds a random session number, never your details). Set only once you sign in or open a form.',
      expires: `After ${sessionIdleMinutes} minutes without using the service, or when you sign out`,
    },
    {
      name: RETURN_COOKIE,
      purpose: 'Remembers the page you asked for before signing in, so you are taken back to it afterwards.',
      expires: `After ${RETURN_COOKIE_MINUTES} minutes, or as soon as you sign in`,
    },
    {
      name: NOTICE_COOKIE,
      purpose: 'Carries a one-off message, such as "Your request has been sent", to the next page you see after sending a form.',
      expires: `As soon as that page is shown, or after ${NOTICE_COOKIE_MINUTES} minutes`,
    },
  ];
}
