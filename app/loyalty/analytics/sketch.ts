// HyperLogLog distinct counts: the small sketches that let any date range count distinct
// customers (and active members) by merging one 1,024-byte sketch per day, never scanning
// orders. Standard error 1.04/sqrt(1024) = 3.25 %; below about 2,500 distinct values linear
// counting takes over (about 2 % at a few hundred, a unit or two at a few dozen).
// docs/decisions/0018-analytics.md

export const SKETCH_REGISTERS = 1024;
const INDEX_BITS = 10;

/** 32-bit FNV-1a, then a murmur3 finaliser so nearby ids spread over every bit. */
export function hash32(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function emptySketch(): Uint8Array {
  return new Uint8Array(SKETCH_REGISTERS);
}

/** A sketch read from the database (null or a wrong length: empty). */
export function toSketch(bytes: Uint8Array | null | undefined): Uint8Array {
  if (!bytes || bytes.length !== SKETCH_REGISTERS) return emptySketch();
  return new Uint8Array(bytes);
}

/** Adds a value; returns true when the sketch changed. */
export function addToSketch(sketch: Uint8Array, value: string): boolean {
  const h = hash32(value);
  const index = h >>> (32 - INDEX_BITS);
  const rest = (h << INDEX_BITS) >>> 0;
  const rank = rest === 0 ? 32 - INDEX_BITS + 1 : Math.clz32(rest) + 1;
  if (rank <= sketch[index]!) return false;
  sketch[index] = rank;
  return true;
}

/** Merges `other` into `into` (register-wise maximum). */
export function mergeSketch(into: Uint8Array, other: Uint8Array | null | undefined): void {
  if (!other || other.length !== SKETCH_REGISTERS) return;
  for (let i = 0; i < SKETCH_REGISTERS; i++) if (other[i]! > into[i]!) into[i] = other[i]!;
}

export function isEmptySketch(sketch: Uint8Array): boolean {
  for (let i = 0; i < SKETCH_REGISTERS; i++) if (sketch[i] !== 0) return false;
  return true;
}

/** The estimated number of distinct values added. */
export function estimateDistinct(sketch: Uint8Array): number {
  const m = SKETCH_REGISTERS;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < m; i++) {
    sum += 2 ** -sketch[i]!;
    if (sketch[i] === 0) zeros++;
  }
  const alpha = 0.7213 / (1 + 1.079 / m);
  const raw = (alpha * m * m) / sum;
  if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
  return Math.round(raw);
}

/** Sketches are stored as base64 text: Prisma reads text columns far faster than Bytes. */
export function sketchToText(sketch: Uint8Array): string {
  return Buffer.from(sketch.buffer, sketch.byteOffset, sketch.byteLength).toString("base64");
}

export function sketchFromText(text: string | null | undefined): Uint8Array {
  if (!text) return emptySketch();
  return toSketch(Buffer.from(text, "base64"));
}

/** Merges a stored sketch into `into`. */
export function mergeSketchText(into: Uint8Array, text: string | null | undefined): void {
  if (text) mergeSketch(into, Buffer.from(text, "base64"));
}
