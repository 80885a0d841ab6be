import { log } from "../log.server";
import type { JsonColumnProblem, OnInvalidJson } from "./json-column";

// Logs stored JSON that did not match its schema (./json-column.ts), once per process for
// each row and problem: the storefront reads the same settings on every request.

const MAX_REMEMBERED = 1000;
const reported = new Set<string>();

/** An onInvalid that logs the problem with the row id and `fields` (e.g. the shop). */
export function logInvalidJson(fields: Record<string, unknown> = {}): OnInvalidJson {
  return (problem: JsonColumnProblem) => {
    const key = `${problem.what}\u0000${problem.id}\u0000${problem.issues.join("\u0000")}`;
    if (reported.has(key)) return;
    if (reported.size >= MAX_REMEMBERED) reported.clear();
    reported.add(key);
    log.warn("stored JSON does not match its schema; read with defaults", { ...fields, ...problem });
  };
}
