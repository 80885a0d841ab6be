import { simpleParser } from "mailparser";

// The emails local mode's SMTP catcher (scripts/local-mail.mjs) received, parsed for
// /local/mail. The store lives on globalThis, filled by the catcher in this process.

interface StoredMail {
  id: number;
  receivedAt: string;
  from: string;
  to: string[];
  raw: string;
}

export interface CaughtMail {
  id: number;
  receivedAt: string;
  envelopeTo: string[];
  from: string;
  to: string;
  replyTo: string | null;
  subject: string;
  text: string;
  html: string;
  headers: { name: string; value: string }[];
}

function store(): StoredMail[] {
  return (globalThis as { __kantaLocalMail?: StoredMail[] }).__kantaLocalMail ?? [];
}

async function parse(m: StoredMail): Promise<CaughtMail> {
  const parsed = await simpleParser(m.raw);
  // Raw header lines, except the ones mailparser decodes (RFC 2047 encoded words) for reading.
  const decoded: Record<string, string | undefined> = { subject: parsed.subject, from: parsed.from?.text, "reply-to": parsed.replyTo?.text };
  const headers = parsed.headerLines.map((h) => {
    const i = h.line.indexOf(":");
    const name = h.line.slice(0, i);
    return { name, value: decoded[name.toLowerCase()] ?? h.line.slice(i + 1).replace(/\r?\n\s+/g, " ").trim() };
  });
  return {
    id: m.id,
    receivedAt: m.receivedAt,
    envelopeTo: m.to,
    from: parsed.from?.text ?? m.from,
    to: Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(", ") : (parsed.to?.text ?? m.to.join(", ")),
    replyTo: parsed.replyTo?.text ?? null,
    subject: parsed.subject ?? "",
    text: parsed.text ?? "",
    html: typeof parsed.html === "string" ? parsed.html : "",
    headers,
  };
}

export async function listCaughtMail(): Promise<CaughtMail[]> {
  return Promise.all(store().map(parse));
}

export async function caughtMail(id: number): Promise<CaughtMail | null> {
  const m = store().find((s) => s.id === id);
  return m ? parse(m) : null;
}
