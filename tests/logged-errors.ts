// `log.error` in a test fails it, as `console.error` does (tests/setup.ts), even though
// KANTA_LOG_LEVEL=silent writes nothing: the logger's `error` is wrapped for the whole test
// process, and every call is counted. A test that means to cause one says so first:
// `expectLoggedError(/webhook dead/)`.
import { log } from "../app/log.server";

interface Expected {
  pattern: RegExp;
  seen: number;
}

const logged: string[] = [];
let expected: Expected[] = [];

/** What a logged error is matched against: the message and its structured fields. */
function asText(message: string, fields: Record<string, unknown> | undefined): string {
  return fields ? `${message} ${JSON.stringify(fields, (_k, v) => (typeof v === "bigint" ? String(v) : v))}` : message;
}

let installed = false;
/** Wraps `log.error` once per test process; the real logger still runs (silent in tests). */
export function watchLoggedErrors(): void {
  if (installed) return;
  installed = true;
  const original = log.error;
  log.error = (message, fields) => {
    logged.push(asText(message, fields));
    original(message, fields);
  };
}

/**
 * This test expects `log.error` with a message (or fields) matching `pattern`, at least once;
 * any number of matching errors are then allowed, and the test fails if none comes.
 */
export function expectLoggedError(pattern: RegExp): void {
  expected.push({ pattern, seen: 0 });
}

/** Errors logged since the last call, less the expected ones; clears expectations. */
export function takeLoggedErrorProblems(): string[] {
  const problems: string[] = [];
  for (const line of logged.splice(0)) {
    const match = expected.find((e) => e.pattern.test(line));
    if (match) match.seen++;
    else problems.push(`unexpected log.error: ${line}`);
  }
  for (const e of expected) if (e.seen === 0) problems.push(`expected log.error matching ${e.pattern}, none was logged`);
  expected = [];
  return problems;
}
