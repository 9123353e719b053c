import { NotAllowedError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { canManageUsers } from '../../web/identity';
import { OutboxMessage } from './outbox.model';

const SHOWN = 50;

/** The latest messages in the outbox. They hold sign-in links, so only user managers may read them. */
export async function outboxMessages(user: SessionUser) {
  if (!canManageUsers(user)) throw new NotAllowedError();
  const messages = await OutboxMessage.find().sort({ createdAt: -1 }).limit(SHOWN).lean();
  return messages.map((message) => ({
    to: message.to,
    subject: message.subject,
    text: message.text,
    sentAt: message.createdAt.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' }),
  }));
}
