import { existsSync } from "node:fs";
import {
  BUNDLE_DOCUMENT_MAX_BYTES,
  Bundle,
  TRUSTED_BASELINE_EVENTS,
  parseJsonText,
  readTextFile,
  type ComparisonDocument,
  type RecordedValue,
  type RunDocument,
  type ValidationDocument,
} from "@ctrain/core";
import { flattenMetrics } from "@ctrain/metrics";
import {
  HISTORY_DRIFT_COLUMNS_MAX,
  HISTORY_METRICS_MAX,
  HISTORY_MODEL_TEST_FIGURES_MAX,
  HISTORY_PARAMS_MAX,
  HISTORY_SCHEMA,
  HISTORY_TEXT_MAX_CHARS,
  RepositoryName,
  type DriftSummary,
  type HistoryRecord,
  type MetricSummary,
} from "./record.js";
import { checkedRecord } from "./store.js";

/** The model-test stage's document, read when a bundle holds one; only its numeric figures are kept. */
export const MODEL_TEST_FILE = "model-test.json";

/**
 * Why a run does not belong in the main branch's history, or undefined when it does: its training succeeded, it ran
 * on `branch`, and (on GitHub) on an event that only code in this repository triggers. A run whose gates failed is
 * history all the same; the site shows its verdict.
 */
export function historyExclusionReason(run: RunDocument, branch: string): string | undefined {
  if (run.status !== "succeeded") return `its training ${run.status}`;
  if (run.source.pullRequest !== undefined) return `it ran for pull request #${run.source.pullRequest}`;
  if (run.source.branch !== undefined && run.source.branch !== branch)
    return `it ran on ${JSON.stringify(run.source.branch)}, not ${branch}`;
  const event = run.source.event;
  // `local`: the CLI's own runs, recorded on the laptop's branch by its owner.
  if (event !== undefined && event !== "local" && !(TRUSTED_BASELINE_EVENTS as readonly string[]).includes(event))
    return `it ran on ${event}, and only push, schedule and workflow_dispatch runs are history`;
  return undefined;
}

export interface SummaryOptions {
  /** The record's id when the run has no workflow run id (the local store's `<branch>/<n>`). */
  id?: string;
  /** The release the run's model was published as. */
  release?: string;
}

export interface RunDocuments {
  run: RunDocument;
  validation?: ValidationDocument;
  comparison?: ComparisonDocument;
  /** model-test.json as parsed JSON; its schema belongs to the model-test stage. */
  modelTest?: unknown;
}

/** A run bundle's documents, read as untrusted (the bundle arrives as another job's artifact). */
export function readRunDocuments(bundleDir: string): RunDocuments {
  const bundle = new Bundle(bundleDir, { untrusted: true });
  return {
    run: bundle.read("run"),
    validation: bundle.readIfPresent("validation"),
    comparison: bundle.readIfPresent("comparison"),
    modelTest: readModelTest(bundle),
  };
}

/** The history record of a run. */
export function summarizeRun(documents: RunDocuments, options: SummaryOptions = {}): HistoryRecord {
  const { run } = documents;
  const source = run.source;
  const id =
    source.runId !== undefined ? `run-${source.runId}` : (options.id ?? `${source.commit ?? "local"}-${run.createdAt}`);
  const params = capped(
    Object.entries(run.params).map(([name, value]) => [cut(name), paramValue(value)] as const),
    HISTORY_PARAMS_MAX,
  );
  const metrics = capped(metricSummaries(run, documents.comparison), HISTORY_METRICS_MAX);
  const drift = driftSummaries(documents.validation);
  const modelTest = documents.modelTest === undefined ? undefined : modelTestFigures(documents.modelTest);
  const omitted = {
    params: params.omitted || undefined,
    metrics: metrics.omitted || undefined,
    drift: Math.max(0, drift.length - HISTORY_DRIFT_COLUMNS_MAX) || undefined,
    modelTest: modelTest?.omitted || undefined,
  };
  return checkedRecord({
    schema: HISTORY_SCHEMA,
    id: cut(id),
    date: run.finishedAt ?? run.createdAt,
    commit: source.commit,
    repository:
      source.repository && RepositoryName.safeParse(source.repository).success ? source.repository : undefined,
    branch: source.branch === undefined ? undefined : cut(source.branch),
    runId: source.runId,
    runAttempt: source.runAttempt,
    pullRequest: source.pullRequest,
    release: options.release === undefined ? undefined : cut(options.release),
    verdicts: run.verdicts,
    params: Object.fromEntries(params.kept),
    metrics: Object.fromEntries(metrics.kept),
    // Drifted columns first, so the cap never hides one.
    drift: drift.sort((a, b) => Number(b.drifted) - Number(a.drifted)).slice(0, HISTORY_DRIFT_COLUMNS_MAX),
    model: run.model.files.length
      ? { bytes: run.model.files.reduce((sum, file) => sum + file.bytes, 0), files: run.model.files.length }
      : undefined,
    modelTest: modelTest && Object.fromEntries(modelTest.kept),
    omitted: Object.values(omitted).some((count) => count !== undefined) ? omitted : undefined,
  });
}

function cut(text: string): string {
  return text.length <= HISTORY_TEXT_MAX_CHARS ? text : text.slice(0, HISTORY_TEXT_MAX_CHARS - 1) + "…";
}

function capped<T>(entries: readonly T[], max: number): { kept: T[]; omitted: number } {
  return { kept: entries.slice(0, max), omitted: Math.max(0, entries.length - max) };
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

function paramValue(value: RecordedValue): number | string | boolean | null {
  if (typeof value === "number") return finite(value) ?? String(value);
  return typeof value === "string" ? cut(value) : value;
}

/** Numeric metrics, the comparison's first (they carry the change, its interval and the verdict). */
function metricSummaries(run: RunDocument, comparison: ComparisonDocument | undefined): [string, MetricSummary][] {
  const summaries = new Map<string, MetricSummary>();
  for (const row of comparison?.rows ?? []) {
    if (row.kind !== "metric" || typeof row.candidate !== "number") continue;
    summaries.set(cut(row.name), {
      value: finite(row.candidate) ?? null,
      delta: finite(row.delta ?? undefined),
      low: finite(row.interval?.low),
      high: finite(row.interval?.high),
      confidence:
        row.interval && row.interval.confidence > 0 && row.interval.confidence < 1
          ? row.interval.confidence
          : undefined,
      verdict: row.verdict,
    });
  }
  for (const [name, value] of Object.entries(run.metrics)) {
    const key = cut(name);
    if (typeof value === "number" && !summaries.has(key)) summaries.set(key, { value: finite(value) ?? null });
  }
  return [...summaries];
}

function driftSummaries(validation: ValidationDocument | undefined): DriftSummary[] {
  return (validation?.datasets ?? []).flatMap((dataset) =>
    (dataset.drift?.columns ?? []).map((column) => ({
      dataset: cut(dataset.name),
      column: cut(column.column),
      test: column.test,
      statistic: finite(column.statistic ?? undefined) ?? null,
      pValue: column.pValue === undefined ? undefined : (finite(column.pValue ?? undefined) ?? null),
      drifted: column.drifted,
    })),
  );
}

function readModelTest(bundle: Bundle): unknown {
  const path = bundle.path(MODEL_TEST_FILE);
  if (!existsSync(path)) return undefined;
  const text = readTextFile(path, {
    label: MODEL_TEST_FILE,
    what: "bundle document",
    maxBytes: BUNDLE_DOCUMENT_MAX_BYTES,
  });
  return parseJsonText(text, { label: MODEL_TEST_FILE });
}

/** The figures of model-test.json (latency percentiles, cold start, memory): its finite numbers, by dotted name. */
function modelTestFigures(document: unknown): { kept: [string, number][]; omitted: number } {
  const figures = Object.entries(flattenMetrics(document, "", MODEL_TEST_FILE)).filter(
    (entry): entry is [string, number] =>
      typeof entry[1] === "number" && Number.isFinite(entry[1]) && entry[0] !== "schema",
  );
  return capped(
    figures.map(([name, value]) => [cut(name), value]),
    HISTORY_MODEL_TEST_FIGURES_MAX,
  );
}
