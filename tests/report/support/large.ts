import type { ComparisonDocument, ComparisonRow, RunDocument, ValidationDocument } from "@ctrain/core";
import { ComparisonDocument as ComparisonSchema, ValidationDocument as ValidationSchema } from "@ctrain/core";
import type { ReportInput } from "@ctrain/report";
import { fixtureHistory, fixtureInput } from "./fixtures.js";

export const failingName = (index: number): string => `eval/slice_${index}/accuracy`;

/** A comparison of `metrics` metrics where every `failEvery`-th fails, with long names to stress the budget. */
export function largeComparison(options: {
  metrics: number;
  failEvery: number;
  nameLength?: number;
}): ComparisonDocument {
  const pad = "x".repeat(Math.max(0, (options.nameLength ?? 30) - 30));
  const rows: ComparisonRow[] = Array.from({ length: options.metrics }, (_, index) => {
    const failed = index % options.failEvery === options.failEvery - 1;
    return {
      name: failed ? failingName(index) : `eval/slice_${index}/metric_${pad}`,
      kind: "metric",
      baseline: 0.9,
      candidate: failed ? 0.8 : 0.9 + (index % 7) / 1000,
      delta: failed ? -0.1 : (index % 7) / 1000,
      relativeDelta: failed ? -0.1111 : (index % 7) / 900,
      changed: true,
      direction: "higher",
      interval: { low: -0.01, high: 0.02, confidence: 0.95, method: "bootstrap-bca" },
      pValue: 0.4,
      verdict: failed ? "failed" : index % 3 ? "unchanged" : "improved",
      evidence: { method: "bootstrap", alpha: 0.05, pValue: 0.4 },
      reasons: failed ? ["dropped 0.1, more than the 0.01 allowed"] : [],
    };
  });
  return ComparisonSchema.parse({
    schema: "ctrain.comparison/v2",
    createdAt: "2026-11-20T10:13:00Z",
    baseline: { kind: "branch-run", description: "main", commit: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678" },
    rows,
    verdict: "failed",
    failed: rows.filter((row) => row.verdict === "failed").map((row) => row.name),
    classification: {
      labels: Array.from({ length: 200 }, (_, index) => `class_${index}`),
      candidate: Array.from({ length: 200 }, (_, t) => Array.from({ length: 200 }, (_, p) => (t === p ? 90 : 1))),
    },
    leaderboard: Array.from({ length: 1000 }, (_, index) => ({
      rank: index + 1,
      name: `trial-${index}`,
      objective: 0.9 - index / 10_000,
      metrics: { accuracy: 0.9 - index / 10_000 },
    })),
  });
}

export const driftedName = (index: number): string => `feature_${index}`;

/** A validation with `columns` drift-tested columns of which `drifted` drifted, and 60 failed checks. */
export function largeValidation(options: { columns: number; drifted: number }): ValidationDocument {
  return ValidationSchema.parse({
    schema: "ctrain.validation/v1",
    createdAt: "2026-11-20T09:58:00Z",
    success: false,
    statistics: {
      evaluated_expectations: 600,
      successful_expectations: 540,
      unsuccessful_expectations: 60,
      success_percent: 90,
    },
    datasets: [
      {
        name: "train",
        files: [],
        rows: 1_000_000,
        columns: Array.from({ length: options.columns }, (_, index) => driftedName(index)),
        success: false,
        results: Array.from({ length: 60 }, (_, index) => ({
          check: "expect_column_values_to_be_between",
          column: driftedName(index),
          severity: index % 2 ? "warn" : "error",
          success: false,
          message: `values outside [0, 1] in ${driftedName(index)}`,
          result: {
            element_count: 1_000_000,
            unexpected_count: 10,
            unexpected_percent: 0.001,
            partial_unexpected_list: Array.from({ length: 20 }, (_, row) => ({
              value: -row,
              file: "data/train.csv",
              line: row + 2,
            })),
          },
        })),
        drift: {
          baseline: "main",
          datasetDrift: true,
          driftedShare: options.drifted / options.columns,
          threshold: 0.5,
          columns: Array.from({ length: options.columns }, (_, index) => ({
            column: driftedName(index),
            type: "numeric",
            test: "ks",
            statistic: index < options.drifted ? 0.2 : 0.01,
            pValue: index < options.drifted ? 0.0001 : 0.5,
            threshold: 0.05,
            drifted: index < options.drifted,
            sampled: true,
          })),
        },
      },
    ],
  });
}

/** A run with 100 learning curves of 1,000 points each. */
export function largeRun(): RunDocument {
  const run = fixtureInput("pr-passed").run!;
  return {
    ...run,
    curves: Array.from({ length: 100 }, (_, index) => ({
      metric: `curve_${index}`,
      file: "logs/curves.csv",
      points: Array.from({ length: 1000 }, (_, step) => ({ step, value: 1 / (step + 1) + index / 100 })),
    })),
  };
}

export function largeInput(options: { metrics: number; failEvery: number; nameLength?: number }): ReportInput {
  return {
    run: largeRun(),
    comparison: largeComparison(options),
    validation: largeValidation({ columns: 600, drifted: 500 }),
    history: fixtureHistory(),
  };
}
