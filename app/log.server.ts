import { getLogLevel } from "./env.server";

// Structured logs, one JSON object per line. Never log whole payloads (PII): log shop,
// topic, ids and error messages.
type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function threshold(): number {
  return order[getLogLevel()];
}

// Email addresses (staff who saved a setting, a shopper in an error message) never reach
// the logs: each is replaced wherever it appears in a line. docs/decisions/0013-abuse-limits.md
const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
export const REDACTED_EMAIL = "[email]";

export function redactEmails(text: string): string {
  return text.replace(EMAIL, REDACTED_EMAIL);
}

function write(level: Level, message: string, fields: Record<string, unknown> = {}) {
  if (order[level] < threshold()) return;
  const line = redactEmails(JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields }));
  if (level === "error" || level === "warn") process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => write("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => write("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => write("error", m, f),
};
