import { signInSchema } from '../../src/features/accounts/accounts.schemas';
import { fieldErrors, formErrorsFrom, valuesToRedisplay } from '../../src/web/form-errors';

describe('form errors', () => {
  it('gives one message per field, in page order, linked to the field', () => {
    const result = signInSchema.safeParse({ password: '' });
    expect(result.success).toBe(false);
    const errors = formErrorsFrom(result.error!, ['email', 'password']);
    expect(errors.summary).toEqual([
      { href: '#email', text: 'Enter your email address' },
      { href: '#password', text: 'Enter your password' },
    ]);
    expect(errors.byField.email).toBe('Enter your email address');
  });

  it('orders unknown fields last', () => {
    expect(fieldErrors({ z: 'Z', a: 'A' }, ['a']).summary.map((item) => item.href)).toEqual(['#a', '#z']);
  });

  it('redisplays what was typed except passwords, tokens and non-text values', () => {
    expect(
      valuesToRedisplay({ email: 'a@b.example', password: 'secret', _csrf: 't', tags: ['x', 'y'], 'odd[$ne]': 'kept as text' }, ['password']),
    ).toEqual({ email: 'a@b.example', tags: ['x', 'y'], 'odd[$ne]': 'kept as text' });
    expect(valuesToRedisplay({ nested: { $ne: 1 } })).toEqual({});
  });
});
