// Deterministic pseudo-random numbers (mulberry32) for demo data, tests and benchmarks:
// the same seed gives the same sequence, so a seeded shop or a random event stream can be
// made again exactly.

/**
 * @param {number} seed
 * @returns {() => number} a generator of numbers in [0, 1)
 */
export function seededRandom(seed) {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
