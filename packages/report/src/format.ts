/** A missing value in a table. */
export const MISSING = "—";

/** Five significant digits, as DVC's `metrics diff` shows by default; integers stay whole. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e15)) return value.toExponential(3).replace(/\.?0+e/, "e");
  return trimZeros(value.toPrecision(5));
}

function trimZeros(fixed: string): string {
  return fixed.includes(".") && !fixed.includes("e") ? fixed.replace(/\.?0+$/, "") : fixed;
}

export function formatSigned(value: number): string {
  const formatted = formatNumber(value);
  return value > 0 ? `+${formatted}` : formatted;
}

/** A relative change given as a fraction (0.012 = +1.2%). */
export function formatPercentChange(fraction: number): string {
  if (!Number.isFinite(fraction)) return formatSigned(fraction);
  const percent = fraction * 100;
  const digits = Math.abs(percent) >= 10 ? 1 : 2;
  const rounded = Number(percent.toFixed(digits));
  return `${rounded > 0 ? "+" : ""}${rounded}%`;
}

/** A share in 0..1 as a percentage. */
export function formatShare(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

/** How long before `now` something happened, in the largest whole unit. */
export function formatAge(from: Date, now: Date): string {
  const seconds = Math.max(0, (now.getTime() - from.getTime()) / 1000);
  const units: [string, number][] = [
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  for (const [name, size] of units) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return `${count} ${name}${count === 1 ? "" : "s"}`;
  }
  return "less than a minute";
}

export function shortSha(commit: string | undefined): string | undefined {
  return commit ? commit.slice(0, 7) : undefined;
}

export { formatCount } from "@ctrain/core";
