import type { Tx } from "../../db.server";
import { changedFields, type AuditActor } from "./audit";

export interface AuditInput {
  shopId: string;
  actor: AuditActor;
  action: string;
  subjectType: string;
  subjectId: string | null;
  /** What the row is about, readable: a reward's name, a member's name (erased with the member). */
  subjectLabel?: string | null;
  before: unknown;
  after: unknown;
  note?: string | null;
}

const MAX_JSON = 20_000;

function jsonText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = JSON.stringify(value);
  // A huge value (a settings blob) is cut, not refused: the change itself must not fail.
  return text.length > MAX_JSON ? JSON.stringify({ truncated: true, size: text.length }) : text;
}

/**
 * The one writer of AuditEvent rows. Call it inside the transaction that makes the change,
 * so the change and its record commit or roll back together. For objects only the changed
 * fields are kept; a call whose objects do not differ writes nothing (a save with no change).
 */
export async function recordAudit(tx: Tx, input: AuditInput): Promise<{ recorded: boolean }> {
  const { before, after } = changedFields(input.before, input.after);
  const empty = (v: unknown) => v === null || (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
  if (empty(before) && empty(after) && (input.before !== null || input.after !== null)) return { recorded: false };
  await tx.auditEvent.create({
    data: {
      shopId: input.shopId,
      actorId: input.actor.id?.slice(0, 100) ?? null,
      actorName: input.actor.name?.slice(0, 200) ?? null,
      actorEmail: input.actor.email?.slice(0, 320) ?? null,
      action: input.action.slice(0, 100),
      subjectType: input.subjectType.slice(0, 50),
      subjectId: input.subjectId?.slice(0, 200) ?? null,
      subjectLabel: input.subjectLabel?.slice(0, 200) ?? null,
      before: jsonText(before),
      after: jsonText(after),
      note: input.note?.slice(0, 1000) ?? null,
    },
  });
  return { recorded: true };
}
