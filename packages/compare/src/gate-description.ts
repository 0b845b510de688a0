import type { MetricGateConfig } from "@ctrain/core";

function percent(value: number): string {
  return `${Number((value * 100).toPrecision(4))}%`;
}

/** The gate in a few symbols for a table cell: `≥ 0.7, Δ ≥ -0.02, Δ% ≥ -5%, significant regression`. */
export function describeGate(gate: MetricGateConfig): string {
  const parts: string[] = [];
  if (gate.min !== undefined) parts.push(`≥ ${gate.min}`);
  if (gate.max !== undefined) parts.push(`≤ ${gate.max}`);
  // Change bounds are signed in the better direction; shown as bounds on the raw delta.
  const better = gate.direction === "higher" ? "≥" : "≤";
  const flip = gate.direction === "higher" ? 1 : -1;
  if (gate.change?.absolute !== undefined) parts.push(`Δ ${better} ${flip * gate.change.absolute}`);
  if (gate.change?.relative !== undefined) parts.push(`Δ% ${better} ${percent(flip * gate.change.relative)}`);
  if (gate.significance !== "none")
    parts.push(
      `${gate.significance === "regression" ? "fail only if significant" : "improve significantly"} (α ${gate.alpha})`,
    );
  return parts.join(", ") || `${gate.direction} is better`;
}
