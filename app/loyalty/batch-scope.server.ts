import type { Db, Tx } from "../db.server";

// What one batch transaction (app/jobs/webhook-batch.server.ts, docs/decisions/0030 and 0038)
// gathers and does once instead of once per event:
// - reads of a shop's settings the batch's events do not change (email and Klaviyo
//   settings, the enabled rewards), memoised for the transaction;
// - additive writes (the analytics day rollup and its customer sketches) summed in memory
//   and written once at the end, in the same transaction, before its commit.
// Outside a batch (the per-event path, the admin) nothing is memoised or deferred: the
// callers below run their work at once. The scope is keyed by the transaction client, so it
// ends with its transaction: a batch run again after a conflict starts from nothing.

type Client = Db | Tx;

interface Scope {
  memo: Map<string, Promise<unknown>>;
  state: Map<string, unknown>;
  flushers: Map<string, (tx: Tx) => Promise<void>>;
}

const scopes = new WeakMap<object, Scope>();

/** Opens a scope on a batch's transaction client. */
export function openBatchScope(tx: Tx): void {
  scopes.set(tx, { memo: new Map(), state: new Map(), flushers: new Map() });
}

/** Runs the deferred writes, in the order first deferred, and closes the scope. */
export async function flushBatchScope(tx: Tx): Promise<void> {
  const scope = scopes.get(tx);
  if (!scope) return;
  scopes.delete(tx);
  for (const flush of scope.flushers.values()) await flush(tx);
}

/** `load()` once per batch transaction for `key`; every time outside a batch. */
export function memoInBatch<T>(client: Client, key: string, load: () => Promise<T>): Promise<T> {
  const scope = scopes.get(client);
  if (!scope) return load();
  let hit = scope.memo.get(key) as Promise<T> | undefined;
  if (!hit) {
    hit = load();
    scope.memo.set(key, hit);
  }
  return hit;
}

/**
 * The batch's accumulator named `name` (created by `init`, written by `flush` at the end), or
 * null outside a batch: the caller then writes at once.
 */
export function deferInBatch<S>(client: Client, name: string, init: () => S, flush: (tx: Tx, state: S) => Promise<void>): S | null {
  const scope = scopes.get(client);
  if (!scope) return null;
  let state = scope.state.get(name) as S | undefined;
  if (state === undefined) {
    state = init();
    scope.state.set(name, state);
    const created = state;
    scope.flushers.set(name, (tx) => flush(tx, created));
  }
  return state;
}
