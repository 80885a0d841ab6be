import { randomInt as cryptoRandomInt } from "node:crypto";

// The draw: N winners among the eligible, each equally likely, with a cryptographic random
// source (node:crypto randomInt: uniform, no modulo bias). A partial Fisher–Yates shuffle:
// position i takes a uniformly chosen element of the not-yet-drawn rest, so no one is drawn
// twice and every N-subset is equally likely. docs/decisions/0037-charity-and-surprises.md

/** A uniform integer in [0, maxExclusive). */
export type RandomInt = (maxExclusive: number) => number;

export const cryptoRandom: RandomInt = (maxExclusive) => cryptoRandomInt(maxExclusive);

/** `count` distinct elements of `eligible` drawn at random (all of them, shuffled, when count ≥ length; every one when count is null). */
export function drawWinners<T>(eligible: readonly T[], count: number | null, random: RandomInt = cryptoRandom): T[] {
  const pool = [...new Set(eligible)];
  if (count === null) return pool;
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError("count must be a whole number ≥ 0");
  const k = Math.min(count, pool.length);
  for (let i = 0; i < k; i++) {
    const j = i + random(pool.length - i);
    const chosen = pool[j]!;
    pool[j] = pool[i]!;
    pool[i] = chosen;
  }
  return pool.slice(0, k);
}
