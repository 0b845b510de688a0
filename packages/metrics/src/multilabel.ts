import type { Label } from "./labels.js";

/**
 * Multilabel metrics over indicator matrices (rows x labels, 1 = the label applies), as scikit-learn computes them
 * from y_true and y_pred indicator arrays; F1 uses zero_division=0.
 */
export interface MultilabelIndicators {
  readonly labels: readonly Label[];
  /** rows x labels.length, row-major, 0 or 1. */
  readonly yTrue: Uint8Array;
  readonly yPred: Uint8Array;
}

export function multilabelScores({ labels, yTrue, yPred }: MultilabelIndicators): Record<string, number> {
  const width = labels.length;
  const rows = yTrue.length / width;
  let mismatches = 0;
  let exactRows = 0;
  const truePositives = new Float64Array(width);
  const actual = new Float64Array(width);
  const predicted = new Float64Array(width);
  for (let row = 0; row < rows; row++) {
    let rowMismatches = 0;
    for (let label = 0; label < width; label++) {
      const t = yTrue[row * width + label]!;
      const p = yPred[row * width + label]!;
      rowMismatches += t === p ? 0 : 1;
      truePositives[label]! += t & p;
      actual[label]! += t;
      predicted[label]! += p;
    }
    mismatches += rowMismatches;
    if (rowMismatches === 0) exactRows++;
  }
  const f1 = (tp: number, sum: number): number => (sum === 0 ? 0 : (2 * tp) / sum);
  const perLabel = labels.map((_, label) => f1(truePositives[label]!, actual[label]! + predicted[label]!));
  const metrics: Record<string, number> = {
    example_count: rows,
    hamming_loss: mismatches / (rows * width),
    subset_accuracy: exactRows / rows,
    f1_macro: sum(perLabel) / width,
    f1_micro: f1(sum(truePositives), sum(actual) + sum(predicted)),
  };
  labels.forEach((label, k) => (metrics[labelMetricKey(label, "f1")] = perLabel[k]!));
  return metrics;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

/** Per-label metrics are `label:<label>/<metric>`, as slice metrics are `slice:<key>/<metric>`. */
export function labelMetricKey(label: Label, metric: string): string {
  return `label:${String(label)}/${metric}`;
}
