import { writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { Bundle, type ComparisonDocument, type RunDocument, type ValidationDocument } from "@ctrain/core";
import { summarizeRun, type HistoryRecord, type RunDocuments } from "@ctrain/history";

export const REPOSITORY = "octo/model";
const START = Date.parse("2026-01-05T09:00:00Z");
const HOUR = 3_600_000;
export const COLUMNS = ["age", "income", "plan", "country", "tenure_days"];

const sha = (seed: string): string => createHash("sha1").update(seed).digest("hex");
/** A smooth, slightly noisy series so charts have shape. */
const wave = (index: number, offset: number): number =>
  Number((0.85 + 0.04 * Math.sin(index / 7 + offset) + ((index * 7919) % 13) / 1000).toFixed(6));

/** The documents of main-branch run `index`: metrics with intervals, drift on five columns, a release every 10th. */
export function runDocuments(index: number): RunDocuments {
  const createdAt = new Date(START + index * 6 * HOUR).toISOString();
  const accuracy = wave(index, 0);
  const rocAuc = wave(index, 1.3);
  const previousAccuracy = wave(index - 1, 0);
  const run: RunDocument = {
    schema: "ctrain.run/v1",
    name: "train",
    createdAt,
    finishedAt: new Date(Date.parse(createdAt) + 300_000).toISOString(),
    source: {
      repository: REPOSITORY,
      commit: sha(`commit ${index}`),
      ref: "refs/heads/main",
      branch: "main",
      event: "push",
      workflow: "ci.yml",
      runId: 9_000_000 + index,
      runAttempt: 1,
      runUrl: `https://github.com/${REPOSITORY}/actions/runs/${9_000_000 + index}`,
    },
    status: "succeeded",
    logTail: [],
    params: { learning_rate: 0.1 / (1 + (index % 4)), max_depth: 3 + (index % 5), model: index % 2 ? "gbm" : "forest" },
    metrics: {
      accuracy,
      roc_auc: rocAuc,
      log_loss: Number((1 - accuracy).toFixed(6)),
      train_seconds: 40 + (index % 9),
    },
    metricFiles: [],
    curves: [],
    datasets: [],
    model: {
      files: [{ path: "model/model.pkl", bytes: 1_000_000 + index * 1024, sha256: "a".repeat(64), pickle: true }],
    },
    verdicts: { validation: "passed", comparison: index % 11 === 5 ? "failed" : "passed" },
  };
  const comparison: ComparisonDocument = {
    schema: "ctrain.comparison/v2",
    createdAt,
    baseline: { kind: "branch-run", description: "main", notes: [] },
    verdict: run.verdicts.comparison!,
    failed: [],
    rows: [
      {
        name: "accuracy",
        kind: "metric",
        baseline: previousAccuracy,
        candidate: accuracy,
        delta: accuracy - previousAccuracy,
        relativeDelta: (accuracy - previousAccuracy) / previousAccuracy,
        changed: true,
        direction: "higher",
        interval: {
          low: accuracy - previousAccuracy - 0.01,
          high: accuracy - previousAccuracy + 0.01,
          confidence: 0.95,
          method: "mcnemar",
        },
        verdict: index % 11 === 5 ? "failed" : "unchanged",
        reasons: [],
      },
    ],
  };
  const validation: ValidationDocument = {
    schema: "ctrain.validation/v1",
    createdAt,
    success: true,
    statistics: {
      evaluated_expectations: 1,
      successful_expectations: 1,
      unsuccessful_expectations: 0,
      success_percent: 100,
    },
    datasets: [
      {
        name: "train",
        files: [],
        rows: 1000,
        columns: COLUMNS,
        success: true,
        results: [],
        drift: {
          baseline: "main",
          datasetDrift: false,
          driftedShare: 0.2,
          threshold: 0.5,
          columns: COLUMNS.map((column, columnIndex) => {
            const drifted = (index + columnIndex) % 9 === 0;
            return {
              column,
              type: "numeric",
              test: "ks",
              statistic: drifted ? 0.3 : 0.02,
              pValue: drifted ? 0.001 : 0.6,
              threshold: 0.05,
              drifted,
              sampled: false,
              newCategories: [],
              missingCategories: [],
            };
          }),
        },
      },
    ],
    errors: [],
  };
  const modelTest =
    index % 3 === 0
      ? { schema: "ctrain.model-test/v1", latency: { p50: 3 + (index % 4), p95: 9 }, coldStartSeconds: 1.5 }
      : undefined;
  return { run, validation, comparison, modelTest };
}

export const releaseOf = (index: number): string | undefined => (index % 10 === 9 ? `v1.${index}.0` : undefined);

/** Writes run `index` as a bundle folder, the way the train, validate and compare steps leave it. */
export function writeRunBundle(dir: string, index: number): string {
  const documents = runDocuments(index);
  const bundle = new Bundle(dir);
  bundle.write("run", documents.run);
  bundle.write("validation", documents.validation!);
  bundle.write("comparison", documents.comparison!);
  if (documents.modelTest) writeFileSync(join(dir, "model-test.json"), JSON.stringify(documents.modelTest));
  return dir;
}

/** `count` history records, built the way the history step builds them. */
export function historyRecords(count: number): HistoryRecord[] {
  return Array.from({ length: count }, (_, index) => summarizeRun(runDocuments(index), { release: releaseOf(index) }));
}
