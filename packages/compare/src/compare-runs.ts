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
  gatePattern,
  historyChangeTest,
  numberOf,
  rankRuns,
  type ChangeTest,
  type GateReport,
  type MetricMap,
  type MetricVerdict,
} from "@ctrain/metrics";
import { closestName } from "@ctrain/core";
import { evaluateLoaded, pairedEvidence, type EvaluatedSide, type PredictionEvidence } from "./evidence.js";
import { describeGate } from "./gate-description.js";
import { loadPredictionsFile, type LoadedPredictions } from "./predictions-file.js";
import { withTestsAgainstBest } from "./leaderboard.js";
import { pairedExamples } from "./paired-examples.js";
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
  return gateCount === 0 ? "no-gates" : report.overall;
}

async function loadSide(
  side: ComparisonSide,
  config: CompareConfig,
  notes: string[],
  // The candidate's predictions are the user's to fix; the baseline's may predate a format change, and a sweep's
  // runner-up only loses its test against the best.
  tolerant = side.label === "baseline",
): Promise<LoadedPredictions | undefined> {
  if (!side.predictionsPath) return undefined;
  try {
    return await loadPredictionsFile(side.predictionsPath, config.predictions);
  } catch (error) {
    if (!isUserError(error) || !tolerant) throw error;
    notes.push(`${side.label} predictions unusable: ${error.format()}`);
    return undefined;
  }
}

/** Metrics evaluated from predictions win over a metric file's value of the same name: ctrain computed them. */
function withEvaluated(metrics: MetricMap, evaluated: EvaluatedSide | undefined): MetricMap {
  if (!evaluated) return metrics;
  return { ...metrics, ...toMetricMap(evaluated.metrics) };
}

/** A gate naming a metric that neither run produced is a mistake in ctrain.yml, not a failed model. */
function checkGatedMetricsExist(config: CompareConfig, candidate: MetricMap, baseline: MetricMap | undefined): void {
  const produced = [...new Set([...Object.keys(candidate), ...Object.keys(baseline ?? {})])];
  for (const gate of Object.keys(config.metrics)) {
    const pattern = gatePattern(gate);
    if (produced.some((name) => pattern.test(name))) continue;
    const suggestion = closestName(gate, produced);
    throw new UserError(
      `compare.metrics.${gate}: no run produced a metric ${gate.includes("*") ? "matching" : "named"} "${gate}"`,
      {
        location: `compare.metrics.${gate}`,
        hint: suggestion
          ? `did you mean "${suggestion}"?`
          : produced.length
            ? `the runs produced: ${produced.slice(0, 20).join(", ")}${produced.length > 20 ? ", ..." : ""}`
            : "the training step wrote no metrics: check train.metrics and train.predictions",
      },
    );
  }
}

/** Why a gated metric has no paired test when the predictions were not both there. */
function whyUnpaired(candidate: LoadedPredictions | undefined, baseline: ComparisonSide | undefined): string {
  if (!candidate) return "the candidate has no predictions file (set train.predictions to test changes row by row)";
  if (!baseline?.predictionsPath) return "the baseline run has no predictions to pair with";
  return "the baseline's predictions could not be read";
}

/**
 * Change tests per gated metric: the paired test where both runs scored the same rows, else the base branch's noise
 * band; for the rest, why there is none.
 */
function changeTests(
  gated: { metric: string; baseline?: number; candidate?: number }[],
  paired: PredictionEvidence | undefined,
  history: RunDocument[],
  minRuns: number,
  unpairedReason: string,
): { tests: Record<string, ChangeTest>; untested: Record<string, string> } {
  const tests: Record<string, ChangeTest> = { ...(paired?.tests ?? {}) };
  const untested: Record<string, string> = {};
  for (const { metric, baseline, candidate } of gated) {
    if (tests[metric] || baseline === undefined || candidate === undefined) continue;
    // A run restored from the run cache repeats its source's trained metrics: counted again, one training would
    // pass for several that agree and narrow the band. Its model-test figures are measured anew, so they count.
    const past = history
      .filter((run) => !run.cached || metric.startsWith("model-test:"))
      .map((run) => run.metrics[metric])
      .filter((value): value is number => typeof value === "number" && Number.isFinite(value));
    const band = historyChangeTest(past, candidate - baseline, minRuns);
    if (band) {
      tests[metric] = band;
      continue;
    }
    const pairedWhy = paired?.untested[metric] ?? unpairedReason;
    untested[metric] =
      `${pairedWhy}; the base branch has ${past.length} trusted runs with this metric, a noise band needs ${minRuns} that vary`;
  }
  return { tests, untested };
}

/** The row's one interval and p-value: the evidence its verdict used. */
function evidenceFields(verdict: MetricVerdict | undefined): Pick<ComparisonRow, "interval" | "pValue" | "evidence"> {
  const evidence = verdict?.evidence;
  if (!evidence) return {};
  return {
    interval: evidence.interval && { ...evidence.interval },
    pValue: evidence.pValue,
    evidence: {
      method: evidence.method,
      alpha: evidence.alpha,
      pValue: evidence.pValue,
      bound: evidence.bound && { ...evidence.bound },
      size: evidence.size,
      note: evidence.note,
    },
  };
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
  if (leaderboard && input.candidates.length > 1 && candidateLoaded) {
    const loaded = new Map<string, LoadedPredictions | undefined>([[candidate.label, candidateLoaded]]);
    for (const side of input.candidates) {
      if (side !== candidate) loaded.set(side.label, await loadSide(side, config, notes, true));
    }
    leaderboard = withTestsAgainstBest(leaderboard, candidate.label, (name) => loaded.get(name), config);
  }
  const baselineLoaded = input.baseline ? await loadSide(input.baseline, config, notes) : undefined;
  const sliceSetting = config.predictions.slice;
  if (
    sliceSetting &&
    candidateLoaded &&
    !("slice" in candidateLoaded.predictions && candidateLoaded.predictions.slice)
  ) {
    notes.push(
      `no slice metrics: the candidate's predictions have none of the slice columns ${JSON.stringify(sliceSetting)} (compare.predictions.slice)`,
    );
  }
  const candidateEvaluated = candidateLoaded ? evaluateLoaded(candidateLoaded, config) : undefined;
  const baselineEvaluated = baselineLoaded ? evaluateLoaded(baselineLoaded, config) : undefined;
  notes.push(...(candidateEvaluated?.notes ?? []));
  const candidateMetrics = withEvaluated(candidate.metrics, candidateEvaluated);
  const baselineMetrics = input.baseline ? withEvaluated(input.baseline.metrics, baselineEvaluated) : undefined;

  checkGatedMetricsExist(config, candidateMetrics, baselineMetrics);
  const gated = Object.keys(config.metrics)
    .filter((key) => !key.includes("*"))
    .map((metric) => ({
      metric,
      baseline: numberOf(baselineMetrics?.[metric]),
      candidate: numberOf(candidateMetrics[metric]),
    }));
  const paired =
    candidateLoaded && baselineLoaded ? pairedEvidence(baselineLoaded, candidateLoaded, gated, config) : undefined;
  notes.push(...(paired?.notes ?? []));
  const { tests, untested } = changeTests(
    gated,
    paired,
    input.history ?? [],
    config["noise-band"]["min-runs"],
    whyUnpaired(candidateLoaded, input.baseline),
  );

  const gates = evaluateGates({
    gates: config.metrics,
    candidate: candidateMetrics,
    baseline: baselineMetrics,
    tests,
    untested,
  });
  const verdicts = new Map(gates.metrics.map((verdict) => [verdict.metric, verdict]));

  const metricRows: ComparisonRow[] = diffMetrics(baselineMetrics, candidateMetrics).map((row) => {
    const verdict = verdicts.get(row.key);
    const gate = verdict ? config.metrics[verdict.gate] : undefined;
    return {
      name: row.key,
      kind: "metric",
      baseline: toRecordedValue(row.old),
      candidate: toRecordedValue(row.new),
      delta: row.delta,
      relativeDelta: row.relativeDelta,
      changed: row.changed,
      direction: gate?.direction,
      ...evidenceFields(verdict),
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
      ...evidenceFields(verdict),
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
    schema: "ctrain.comparison/v2",
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
    examples: paired?.paired ? pairedExamples(paired.paired) : undefined,
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
