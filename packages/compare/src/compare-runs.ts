import {
  UserError,
  isUserError,
  type BaselineOrigin,
  type ComparisonDocument,
  type ComparisonRow,
  type CompareConfig,
  type OverallVerdict,
  type RunDocument,
  type RunSource,
} from "@ctrain/core";
import {
  diffMetrics,
  evaluateGates,
  noiseBand,
  numberOf,
  rankRuns,
  type ChangeEvidence,
  type GateReport,
  type MetricMap,
  type Verdict,
} from "@ctrain/metrics";
import { evaluateLoaded, pairedEvidence, type EvaluatedSide } from "./evidence.js";
import { describeGate } from "./gate-description.js";
import { loadPredictionsFile, type LoadedPredictions } from "./predictions-file.js";
import type { ComparisonSide } from "./sides.js";
import { toMetricMap, toRecordedValue } from "./values.js";

export interface CompareInput {
  /** The candidate run, or several (a sweep): the best by `compare.objective` is compared. */
  candidates: ComparisonSide[];
  baseline?: ComparisonSide;
  origin: BaselineOrigin;
  config: CompareConfig;
  /** The base branch's recent run records, newest first, for the noise band. */
  history?: RunDocument[];
  source?: RunSource;
  now?: Date;
  log?: (line: string) => void;
}

export interface CompareResult {
  document: ComparisonDocument;
  gates: GateReport;
  candidate: ComparisonSide;
}

function overall(report: GateReport, gateCount: number): OverallVerdict {
  if (gateCount === 0) return "no-gates";
  const map: Record<Verdict, OverallVerdict> = {
    failed: "failed",
    inconclusive: "inconclusive",
    "regressed-within-tolerance": "passed",
    improved: "passed",
    pass: "passed",
    skipped: "skipped",
  };
  return map[report.verdict];
}

async function loadSide(
  side: ComparisonSide,
  config: CompareConfig,
  notes: string[],
): Promise<LoadedPredictions | undefined> {
  if (!side.predictionsPath) return undefined;
  try {
    return await loadPredictionsFile(side.predictionsPath, config.predictions);
  } catch (error) {
    if (!isUserError(error)) throw error;
    // The candidate's predictions are the user's to fix; the baseline's may predate a format change.
    if (side.label !== "baseline") throw error;
    notes.push(`baseline predictions unusable: ${error.format()}`);
    return undefined;
  }
}

/** Metrics evaluated from predictions fill in keys the metric files did not write. */
function withEvaluated(metrics: MetricMap, evaluated: EvaluatedSide | undefined): MetricMap {
  if (!evaluated) return metrics;
  const merged: MetricMap = { ...toMetricMap(evaluated.metrics) };
  return Object.assign(merged, metrics);
}

/**
 * The compare step: rank a sweep, evaluate predictions, gather significance evidence (paired tests, else a noise band
 * over the base branch's history), gate every configured metric and diff everything else.
 */
export async function compareRuns(input: CompareInput): Promise<CompareResult> {
  const { config } = input;
  const notes = [...input.origin.notes];
  let leaderboard: ComparisonDocument["leaderboard"];
  let candidate = input.candidates[0]!;
  if (input.candidates.length > 1) {
    const objective = config.objective;
    if (!objective) {
      throw new UserError(`${input.candidates.length} candidate runs were given but no objective ranks them`, {
        hint: "set compare.objective (metric and direction) in ctrain.yml",
      });
    }
    const board = rankRuns(
      input.candidates.map((side) => ({ name: side.label, metrics: side.metrics })),
      objective.metric,
      objective.direction,
    );
    if (!board.best) {
      notes.push(
        `no candidate has a finite ${objective.metric}: ${board.excluded.map((run) => `${run.name} (${run.reason})`).join(", ")}`,
      );
    } else {
      candidate = input.candidates.find((side) => side.label === board.best!.name)!;
    }
    leaderboard = board.entries.map((entry) => ({
      rank: entry.rank,
      name: entry.name,
      objective: entry.value,
      metrics: Object.fromEntries(
        Object.entries(input.candidates.find((side) => side.label === entry.name)!.metrics).map(([key, value]) => [
          key,
          toRecordedValue(value) ?? null,
        ]),
      ),
    }));
  }

  const candidateLoaded = await loadSide(candidate, config, notes);
  const baselineLoaded = input.baseline ? await loadSide(input.baseline, config, notes) : undefined;
  const candidateEvaluated = candidateLoaded ? evaluateLoaded(candidateLoaded, config) : undefined;
  const baselineEvaluated = baselineLoaded ? evaluateLoaded(baselineLoaded, config) : undefined;
  notes.push(...(candidateEvaluated?.notes ?? []));
  const candidateMetrics = withEvaluated(candidate.metrics, candidateEvaluated);
  const baselineMetrics = input.baseline ? withEvaluated(input.baseline.metrics, baselineEvaluated) : undefined;

  const gateKeys = Object.keys(config.metrics).filter((key) => !key.includes("*"));
  const paired =
    candidateLoaded && baselineLoaded ? pairedEvidence(baselineLoaded, candidateLoaded, gateKeys, config) : undefined;
  notes.push(...(paired?.notes ?? []));
  const evidence: Record<string, ChangeEvidence> = { ...(paired?.evidence ?? {}) };

  const history = input.history ?? [];
  for (const key of gateKeys) {
    if (evidence[key] || history.length === 0) continue;
    const value = numberOf(candidateMetrics[key]);
    const past = history
      .map((run) => run.metrics[key])
      .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    if (value === undefined || past.length < config["noise-band"]["min-runs"]) continue;
    const band = noiseBand(past, value, config["noise-band"].mads);
    if (band) evidence[key] = { method: "noise-band", result: band };
  }

  const gates = evaluateGates({
    gates: config.metrics,
    candidate: candidateMetrics,
    baseline: baselineMetrics,
    evidence,
  });
  const verdicts = new Map(gates.metrics.map((verdict) => [verdict.metric, verdict]));

  const metricRows: ComparisonRow[] = diffMetrics(baselineMetrics, candidateMetrics).map((row) => {
    const verdict = verdicts.get(row.key);
    const gate = verdict ? config.metrics[verdict.gate] : undefined;
    const interval = paired?.intervals[row.key];
    const proof = evidence[row.key];
    const pValue = proof && (proof.method === "mcnemar" || proof.method === "delong") ? proof.result.pValue : undefined;
    return {
      name: row.key,
      kind: "metric",
      baseline: toRecordedValue(row.old),
      candidate: toRecordedValue(row.new),
      delta: row.delta,
      relativeDelta: row.relativeDelta,
      changed: row.changed,
      direction: gate?.direction,
      interval: interval?.interval
        ? {
            low: interval.interval[0],
            high: interval.interval[1],
            confidence: interval.confidence,
            method: `bootstrap-${interval.method}`,
          }
        : undefined,
      pValue,
      threshold: gate ? describeGate(gate) : undefined,
      verdict: verdict?.verdict,
      method: verdict?.methods.join("+") || undefined,
      reasons: verdict ? [...verdict.reasons] : [],
    };
  });
  // Gates whose metric exists on neither side still need a row: they failed for being missing.
  for (const verdict of gates.metrics) {
    if (metricRows.some((row) => row.name === verdict.metric)) continue;
    metricRows.push({
      name: verdict.metric,
      kind: "metric",
      delta: null,
      relativeDelta: null,
      changed: false,
      direction: config.metrics[verdict.gate]?.direction,
      threshold: config.metrics[verdict.gate] ? describeGate(config.metrics[verdict.gate]!) : undefined,
      verdict: verdict.verdict,
      method: verdict.methods.join("+") || undefined,
      reasons: [...verdict.reasons],
    });
  }
  const paramRows: ComparisonRow[] = diffMetrics(input.baseline?.params, candidate.params).map((row) => ({
    name: row.key,
    kind: "param",
    baseline: toRecordedValue(row.old),
    candidate: toRecordedValue(row.new),
    delta: row.delta,
    relativeDelta: row.relativeDelta,
    changed: row.changed,
    reasons: [],
  }));

  const candidateMatrix = candidateEvaluated?.classification?.confusionMatrix;
  const baselineMatrix = baselineEvaluated?.classification?.confusionMatrix;
  const sameLabels =
    candidateMatrix &&
    baselineMatrix &&
    candidateMatrix.labels.map(String).join("\u0000") === baselineMatrix.labels.map(String).join("\u0000");
  const document: ComparisonDocument = {
    schema: "ctrain.comparison/v1",
    createdAt: (input.now ?? new Date()).toISOString(),
    source: input.source,
    baseline: {
      ...input.origin,
      notes: notes.slice(0, 20).map((note) => (note.length > 2000 ? `${note.slice(0, 1997)}...` : note)),
    },
    rows: [...metricRows, ...paramRows],
    verdict: overall(gates, Object.keys(config.metrics).length),
    failed: gates.metrics.filter((verdict) => verdict.verdict === "failed").map((verdict) => verdict.metric),
    leaderboard,
    bestRun: leaderboard ? candidate.label : undefined,
    classification: candidateMatrix
      ? {
          labels: candidateMatrix.labels.map(String),
          candidate: candidateMatrix.counts,
          baseline: sameLabels ? baselineMatrix!.counts : undefined,
        }
      : undefined,
  };
  return { document, gates, candidate };
}
