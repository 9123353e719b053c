import nodemailer from 'nodemailer';
import type { Config } from '../../config';
import { OutboxMessage } from './outbox.model';

export type MailMessage = { to: string; subject: string; text: string };

export type Mailer = {
  /** 'smtp' sends for real; 'outbox' keeps each message for Traded Services' Outbox page. */
  readonly via: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  /** Each message's outcome, in order: the outbox keeps them all in one write, SMTP sends them one by one. */
  sendAll(messages: readonly MailMessage[]): Promise<PromiseSettledResult<void>[]>;
};

/** sendAll for a mailer that can only send one message at a time. */
export async function sendOneByOne(send: Mailer['send'], messages: readonly MailMessage[]): Promise<PromiseSettledResult<void>[]> {
  const outcomes: PromiseSettledResult<void>[] = [];
  for (const message of messages) {
    outcomes.push(
      await send(message).then(
        (): PromiseFulfilledResult<void> => ({ status: 'fulfilled', value: undefined }),
        (reason: unknown): PromiseRejectedResult => ({ status: 'rejected', reason }),
      ),
    );
  }
  return outcomes;
}

/** Sends through SMTP (nodemailer) when SMTP_HOST is set; otherwise writes to the outbox collection. */
export function createMailer(mail: Config['mail']): Mailer {
  const { smtp, from } = mail;
  if (!smtp) {
    return {
      via: 'outbox',
      send: async (message) => void (await OutboxMessage.create({ from, ...message })),
      sendAll: (messages) =>
        OutboxMessage.insertMany(messages.map((message) => ({ from, ...message }))).then(
          () => messages.map((): PromiseSettledResult<void> => ({ status: 'fulfilled', value: undefined })),
          (reason: unknown) => messages.map((): PromiseSettledResult<void> => ({ status: 'rejected', reason })),
        ),
    };
  }
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
  });
  const send = async (message: MailMessage) => void (await transport.sendMail({ from, ...message }));
  return { via: 'smtp', send, sendAll: (messages) => sendOneByOne(send, messages) };
}
