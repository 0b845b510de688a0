import { MODEL_TEST_FIGURE_LABELS, type ModelTestConfig, type ModelTestDocument } from "@ctrain/core";
import { quantile } from "@ctrain/metrics";

export type FigureName = ModelTestDocument["figures"][number]["name"];
type Figure = ModelTestDocument["figures"][number];

/** Each figure's run metric: compare.metrics gates it against the baseline like any other metric. */
export const FIGURE_METRICS: Readonly<Record<FigureName, string>> = {
  "cold-start-ms": "model-test:cold-start-ms",
  "p50-ms": "model-test:latency-p50-ms",
  "p95-ms": "model-test:latency-p95-ms",
  "p99-ms": "model-test:latency-p99-ms",
  "peak-memory-mb": "model-test:peak-memory-mb",
  "model-size-mb": "model-test:model-size-mb",
};

export const BYTES_PER_MIB = 1024 * 1024;

/** The p50, p95 and p99 of the latencies, as numpy's default (linear) percentile computes them. */
export function latencyPercentiles(latenciesMs: readonly number[]): Record<"p50-ms" | "p95-ms" | "p99-ms", number> {
  const sorted = Float64Array.from(latenciesMs).sort();
  return { "p50-ms": quantile(sorted, 0.5), "p95-ms": quantile(sorted, 0.95), "p99-ms": quantile(sorted, 0.99) };
}

/** The measured figures, in a fixed order, each against its budget (a figure may not exceed its budget). */
export function judgeFigures(
  measured: Partial<Record<FigureName, number>>,
  budgets: ModelTestConfig["budgets"],
): Figure[] {
  const figures: Figure[] = [];
  for (const name of Object.keys(FIGURE_METRICS) as FigureName[]) {
    const value = measured[name];
    if (value === undefined) continue;
    const budget = budgets[name];
    figures.push({
      name,
      metric: FIGURE_METRICS[name],
      value,
      ...(budget === undefined ? {} : { budget }),
      passed: budget === undefined || value <= budget,
    });
  }
  return figures;
}

/** `p95 latency 62.1 ms is over its budget of 50 ms (model-test.budgets.p95-ms)`. */
export function describeBudgetFailure(figure: Figure): string {
  const unit = figure.name.endsWith("-ms") ? "ms" : "MiB";
  return `${MODEL_TEST_FIGURE_LABELS[figure.name]} ${formatFigure(figure.value)} ${unit} is over its budget of ${formatFigure(figure.budget!)} ${unit} (model-test.budgets.${figure.name})`;
}

function formatFigure(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
