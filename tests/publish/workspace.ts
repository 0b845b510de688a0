import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  Bundle,
  ComparisonDocument,
  PublishConfig,
  RunDocument,
  type ModelConfig,
  type OverallVerdict,
  type RecordedValue,
} from "@ctrain/core";
import { tempDir } from "../support/temp-dir.js";

export interface TestWorkspace {
  root: string;
  bundle: Bundle;
  run: RunDocument;
}

export const COMMIT = "a".repeat(40);
export const PREDICTIONS_PATH = "predictions/preds.csv";

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** A workspace as a training job leaves it: model files under `out/` and a run bundle in `.ctrain/`. */
export function makeWorkspace(
  options: {
    files?: Record<string, string | Buffer>;
    verdict?: OverallVerdict;
    metrics?: Record<string, RecordedValue>;
    commit?: string;
    name?: string;
    /** Content of the run's predictions file, copied into the bundle as train does (`predictions/preds.csv`). */
    predictions?: string;
  } = {},
): TestWorkspace {
  const root = tempDir("ctrain-publish-ws-");
  const files = options.files ?? { "out/model.pkl": "pickled model bytes", "out/config.json": '{"depth":3}' };
  const digests = Object.entries(files).map(([path, content]) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    const bytes = Buffer.from(content);
    return { path, bytes: bytes.length, sha256: sha256(bytes), pickle: path.endsWith(".pkl") };
  });
  const commit = options.commit ?? COMMIT;
  const run = RunDocument.parse({
    schema: "ctrain.run/v1",
    name: options.name ?? "default",
    createdAt: "2026-01-02T03:04:05Z",
    source: {
      repository: "octo/models",
      commit,
      branch: "main",
      pullRequest: 7,
      runId: 99,
      runUrl: "https://github.com/octo/models/actions/runs/99",
      workflow: "train",
    },
    status: "succeeded",
    metrics: options.metrics ?? { accuracy: 0.91, "loss.val": 0.25 },
    datasets: [{ name: "test", fingerprint: "b".repeat(64), rows: 120, files: [] }],
    model: { files: digests },
    ...(options.predictions === undefined
      ? {}
      : {
          predictions: {
            path: PREDICTIONS_PATH,
            bytes: Buffer.byteLength(options.predictions),
            sha256: sha256(options.predictions),
          },
        }),
    verdicts: { comparison: options.verdict ?? "passed" },
  });
  const bundle = new Bundle(join(root, ".ctrain"));
  bundle.write("run", run);
  if (options.predictions !== undefined) writeFile(bundle.path(PREDICTIONS_PATH), options.predictions);
  bundle.write(
    "comparison",
    ComparisonDocument.parse({
      schema: "ctrain.comparison/v2",
      createdAt: "2026-01-02T03:05:00Z",
      source: { commit },
      baseline: { kind: "branch-run", description: "main at 1234567 (run 98)" },
      rows: [
        {
          name: "accuracy",
          kind: "metric",
          baseline: 0.9,
          candidate: 0.91,
          delta: 0.01,
          relativeDelta: 0.0111,
          changed: true,
          interval: { low: -0.002, high: 0.022, confidence: 0.95, method: "bootstrap-bca" },
          pValue: 0.1,
          evidence: { method: "bootstrap", alpha: 0.05, pValue: 0.1 },
          threshold: "change >= -0.01",
          verdict: options.verdict === "failed" ? "failed" : "unchanged",
        },
      ],
      verdict: options.verdict ?? "passed",
      failed: options.verdict === "failed" ? ["accuracy"] : [],
    }),
  );
  return { root, bundle, run };
}

export const MODEL: ModelConfig = {
  name: "churn",
  task: "tabular-classification",
  description: "Predicts churn.",
  "intended-use": "Ranking accounts for outreach.",
  limitations: "Trained on 2025 data only.",
  license: "mit",
};

export function publishConfig(overrides: Partial<PublishConfig> = {}): PublishConfig {
  return { ...PublishConfig.parse({}), approval: "none", ...overrides };
}

export function writeFile(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
