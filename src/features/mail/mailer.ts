import nodemailer from 'nodemailer';
import type { Config } from '../../config';
import { OutboxMessage } from './outbox.model';

export type MailMessage = { to: string; subject: string; text: string };

export type Mailer = {
  /** 'smtp' sends for real; 'outbox' keeps each message for Traded Services' Outbox page. */
  readonly via: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
};

/** Sends through SMTP (nodemailer) when SMTP_HOST is set; otherwise writes to the outbox collection. */
export function createMailer(mail: Config['mail']): Mailer {
  const { smtp, from } = mail;
  if (!smtp) {
    return { via: 'outbox', send: async (message) => void (await OutboxMessage.create({ from, ...message })) };
  }
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
  });
  return { via: 'smtp', send: async (message) => void (await transport.sendMail({ from, ...message })) };
}
