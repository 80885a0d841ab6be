// Local mode's mail catcher (scripts/local.mjs): a real SMTP listener (the smtp-server
// package) on 127.0.0.1 that keeps every message it is given, in memory, newest first, for
// /local/mail (app/local/routes/local.mail.tsx) in the same process. Kanta's email job sends
// to it through nodemailer exactly as it sends to a real SMTP server (SMTP_URL).
// Messages are gone when local mode stops. docs/decisions/0022-loyalty-emails.md
import { SMTPServer } from "smtp-server";

/** At most this many messages are kept (the oldest go first). */
export const LOCAL_MAIL_LIMIT = 500;

/** The store /local/mail reads: globalThis, shared with the app's build in this process. */
export function localMailStore() {
  const g = /** @type {{ __kantaLocalMail?: { id: number; receivedAt: string; from: string; to: string[]; raw: string }[] }} */ (globalThis);
  g.__kantaLocalMail ??= [];
  return g.__kantaLocalMail;
}

/**
 * Starts the catcher on a free port; resolves with its smtp:// URL and a close().
 * @returns {Promise<{ url: string; close: () => Promise<void> }>}
 */
export async function startLocalMail() {
  const store = localMailStore();
  let next = 1;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    banner: "Kanta local mail catcher",
    size: 5 * 1024 * 1024,
    logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on("data", (c) => chunks.push(c));
      stream.on("end", () => {
        store.unshift({
          id: next++,
          receivedAt: new Date().toISOString(),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        store.length = Math.min(store.length, LOCAL_MAIL_LIMIT);
        callback();
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(undefined));
  });
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve(undefined))) };
}
