import { eraseUserSchema } from '../../src/features/accounts/accounts.schemas';
import { canEraseUser } from '../../src/features/privacy/erasure.service';
import { lockoutMinutes, nextLockoutNumber, whenToTryAgain } from '../../src/features/accounts/lockout-backoff';
import type { SessionUser } from '../../src/web/identity';
import type { Role } from '../../src/web/identity';
import { securityEventsQuerySchema } from '../../src/features/accounts/security-events.schemas';
import { shortUserAgent } from '../../src/lib/user-agent';

const DAY_MINUTES = 24 * 60;
const DAY_MS = DAY_MINUTES * 60_000;

describe('lockout back-off', () => {
  it('doubles each lockout in a row from the first length: 15, 30, 60 … minutes, capped at a day', () => {
    const lengths = Array.from({ length: 10 }, (_, index) => lockoutMinutes(index + 1, 15, DAY_MINUTES));
    expect(lengths).toEqual([15, 30, 60, 120, 240, 480, 960, 1440, 1440, 1440]);
  });

  it('never overflows or goes below the first length, however many lockouts or however small the cap', () => {
    expect(lockoutMinutes(10_000, 15, DAY_MINUTES)).toBe(DAY_MINUTES);
    expect(lockoutMinutes(0, 15, DAY_MINUTES)).toBe(15);
    expect(lockoutMinutes(3, 15, 5)).toBe(15);
  });

  it('counts a lockout as a repeat while it follows the previous one within the memory, otherwise starts again at 1', () => {
    const now = new Date('2026-03-04T12:00:00Z');
    const endedAgo = (ms: number) => new Date(now.getTime() - ms);
    expect(nextLockoutNumber(null, now, DAY_MS)).toBe(1);
    expect(nextLockoutNumber({ lockouts: 0 }, now, DAY_MS)).toBe(1);
    expect(nextLockoutNumber({ lockouts: 2, lockedUntil: endedAgo(60_000) }, now, DAY_MS)).toBe(3);
    expect(nextLockoutNumber({ lockouts: 2, lockedUntil: endedAgo(DAY_MS) }, now, DAY_MS)).toBe(3);
    expect(nextLockoutNumber({ lockouts: 2, lockedUntil: endedAgo(DAY_MS + 1) }, now, DAY_MS)).toBe(1);
  });

  it('says when to try again in UK time, with the day when it is not today', () => {
    const now = new Date('2026-07-01T14:30:00Z'); // 3:30pm BST
    expect(whenToTryAgain(new Date('2026-07-01T14:45:00Z'), now)).toBe('3:45pm (in 15 minutes)');
    expect(whenToTryAgain(new Date('2026-07-01T14:30:20Z'), now)).toBe('3:30pm (in 1 minute)');
    expect(whenToTryAgain(new Date('2026-07-02T08:00:00Z'), now)).toBe('9:00am on 2 July (in about 18 hours)');
    expect(whenToTryAgain(new Date('2026-01-10T12:00:00Z'), new Date('2026-01-10T10:00:00Z'))).toBe('12:00pm (in about 2 hours)');
  });
});

describe('erasure rules', () => {
  const user = (role: Role, id = 'a'.repeat(24)): SessionUser => ({ id, name: 'n', email: 'e@x.example', role, schoolIds: [], actingSchoolId: undefined, mustChangePassword: false });

  it('lets only Traded Services erase, and never themselves', () => {
    expect(canEraseUser(user('traded_services'), 'b'.repeat(24))).toBe(true);
    expect(canEraseUser(user('traded_services'), 'a'.repeat(24))).toBe(false);
    for (const role of ['sip', 'school', 'provider'] as const) expect(canEraseUser(user(role), 'b'.repeat(24))).toBe(false);
  });

  it('needs a reason of at most 1000 characters', () => {
    expect(eraseUserSchema.safeParse({ reason: '  ' }).error?.issues[0]?.message).toBe('Enter why this person’s data is being erased');
    expect(eraseUserSchema.safeParse({ reason: 'x'.repeat(1001) }).success).toBe(false);
    expect(eraseUserSchema.safeParse({ reason: { $ne: '' } }).success).toBe(false);
    expect(eraseUserSchema.parse({ reason: ' Left in March ' }).reason).toBe('Left in March');
  });
});

describe('security events query', () => {
  it('applies what it understands and drops the rest', () => {
    expect(securityEventsQuerySchema.parse({ type: 'account_locked', email: ' Head@School.Example ', page: '3' })).toEqual({
      type: 'account_locked',
      email: 'head@school.example',
      page: 3,
    });
    expect(securityEventsQuerySchema.parse({ type: '$where', user: 'not-an-id', page: '-1', email: ['a', 'b'] })).toEqual({ page: 1 });
  });
});

describe('short user agent', () => {
  it('names the browser, its major version and the system', () => {
    expect(shortUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe('Firefox 128 on Windows');
    expect(shortUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1')).toBe('Safari 17 on iOS');
  });

  it('keeps an agent it does not recognise as sent, cut short and without control characters', () => {
    expect(shortUserAgent('curl/8.5.0')).toBe('curl/8.5.0');
    expect(shortUserAgent(`bot\u0000\n${'x'.repeat(200)}`)).toBe(`bot${'x'.repeat(77)}`);
    expect(shortUserAgent(undefined)).toBe('unknown');
  });
});
