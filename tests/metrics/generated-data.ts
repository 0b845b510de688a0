/** Seeded test data, so every run of the suite sees the same rows (mulberry32; quality is irrelevant here). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normalRandom(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A probability row over `width` classes leaning to `favoured`, normalized to sum to 1. */
export function probabilityRow(random: () => number, width: number, favoured: number, strength: number): number[] {
  const raw = Array.from({ length: width }, (_, k) => random() + (k === favoured ? strength : 0));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((value) => value / total);
}

export function argmax(row: readonly number[]): number {
  return row.reduce((best, value, index) => (value > row[best]! ? index : best), 0);
}

export function closeTo(actual: number, expected: number, tolerance = 1e-12): boolean {
  return Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
}
