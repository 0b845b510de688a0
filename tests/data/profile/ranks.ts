/** How far rank q is from the ranks `value` holds in sorted data: [share below it, share at or below it]. */
export function rankDistance(sorted: Float64Array, value: number, q: number): number {
  const low = countBelow(sorted, value, false) / sorted.length;
  const high = countBelow(sorted, value, true) / sorted.length;
  return q < low ? low - q : q > high ? q - high : 0;
}

/** Values < value (or <= value when inclusive) in sorted data. */
export function countBelow(sorted: Float64Array, value: number, inclusive: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value || (inclusive && sorted[mid] === value)) low = mid + 1;
    else high = mid;
  }
  return low;
}
