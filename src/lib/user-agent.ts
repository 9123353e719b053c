import Bowser from 'bowser';

const MAX_LENGTH = 80;

/**
 * A short, readable name for the browser that sent a request ("Firefox 128 on Windows"), enough to
 * recognise a device in a list of security events without keeping the whole header. An agent bowser
 * does not recognise (a script, a new browser) is kept as sent, cut to 80 characters.
 */
export function shortUserAgent(header: string | undefined): string {
  const raw = (header ?? '').replace(/\p{Cc}/gu, '').trim();
  if (!raw) return 'unknown';
  const { browser, os } = Bowser.parse(raw);
  if (!browser.name) return raw.slice(0, MAX_LENGTH);
  const major = browser.version?.split('.')[0];
  const name = [browser.name, major].filter(Boolean).join(' ');
  return (os.name ? `${name} on ${os.name}` : name).slice(0, MAX_LENGTH);
}
