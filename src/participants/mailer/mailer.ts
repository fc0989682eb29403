import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  /** Display name for the From header; the address is always the configured SMTP_FROM. */
  fromName?: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
}

/** What the app needs from an e-mail transport (tests may pass their own). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * A nodemailer transport built from SMTP_URL (e.g. `smtp://user:pass@host:587`, `smtps://…`).
 * The From address is fixed by configuration, so a campaign can set only a display name and a
 * Reply-To (no spoofing of other senders through a campaign setting).
 */
export function createMailer(opts: { url: string; from: string; timeoutMs?: number }): Mailer {
  const timeout = opts.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    url: opts.url,
    // Fail a broken server fast instead of holding a request or the reminder job for minutes.
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(mail) {
      await transport.sendMail({
        from: mail.fromName ? { name: mail.fromName, address: opts.from } : opts.from,
        to: mail.to,
        replyTo: mail.replyTo || undefined,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
    },
    close() {
      transport.close();
    },
  };
}
