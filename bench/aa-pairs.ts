/**
 * A/A pairs and power pairs for the compare verdicts: one binary test set per seed, two models that differ only in
 * their independent noise, both written as predictions files and compared by `compareRuns` under change-bound gates.
 * bench/verdicts.ts runs it at full size; tests/compare/verdicts-aa.test.ts runs a small version.
 *
 * The data: each row has a latent logit L ~ N(0, signal^2); its label is drawn as Bernoulli(sigmoid(L)). A model's
 * logit is L + N(0, noise^2), its score sigmoid(logit) and its y_pred score > 0.5. The baseline has noise sd `noise`,
 * the candidate `noise * scale`: scale 1 is an A/A pair (two equally good models), below 1 a better candidate, above 1
 * a worse one.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CompareConfig, type BaselineOrigin, type MetricVerdict } from "@ctrain/core";
import { compareRuns, type ComparisonSide } from "@ctrain/compare";
import { Random } from "@ctrain/stats";

export interface PairSettings {
  rows: number;
  /** Standard deviation of the latent logit the labels are drawn from. */
  signal: number;
  /** The baseline model's noise sd on the logit scale. */
  noise: number;
  /** The candidate's noise sd is noise * scale. */
  scale: number;
}

export const DEFAULT_SIGNAL = 2;
export const DEFAULT_NOISE = 1.5;

export interface ModelPredictions {
  score: Float64Array;
  yPred: Uint8Array;
}

export interface GeneratedPair {
  yTrue: Uint8Array;
  baseline: ModelPredictions;
  candidate: ModelPredictions;
}

/** Standard normal draws by Box-Muller (both values of each pair used). */
function normals(random: Random, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - random.nextDouble(); // (0, 1]: log(u) is finite
    const v = random.nextDouble();
    const radius = Math.sqrt(-2 * Math.log(u));
    out[i] = radius * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(2 * Math.PI * v);
  }
  return out;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * One seed's test set and model pair. The draws do not depend on `scale` (the candidate's noise is a scaled standard
 * normal), so every effect size of a seed shares its test set and its baseline: the settings differ only by the effect.
 */
export function generatePair(seed: number, settings: PairSettings): GeneratedPair {
  const { rows, signal, noise, scale } = settings;
  const random = Random.seeded(seed);
  const latent = normals(random, rows);
  const yTrue = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) yTrue[i] = random.nextDouble() < sigmoid(signal * latent[i]!) ? 1 : 0;
  const model = (sd: number): ModelPredictions => {
    const draws = normals(random, rows);
    const score = new Float64Array(rows);
    const yPred = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      score[i] = sigmoid(signal * latent[i]! + sd * draws[i]!);
      yPred[i] = score[i]! > 0.5 ? 1 : 0;
    }
    return { score, yPred };
  };
  const baseline = model(noise);
  const candidate = model(noise * scale);
  return { yTrue, baseline, candidate };
}

/** A predictions file as train records it: y_true,y_pred,score. */
export function predictionsCsv(yTrue: Uint8Array, model: ModelPredictions): string {
  const lines = ["y_true,y_pred,score"];
  for (let i = 0; i < yTrue.length; i++) {
    lines.push(`${yTrue[i]},${model.yPred[i]},${Number(model.score[i]!.toPrecision(10))}`);
  }
  return lines.join("\n") + "\n";
}

/** Gated metrics and their gates: change bounds as a project would set them (non-inferiority margins). */
export const VERDICT_GATES = {
  accuracy: { direction: "higher", change: { absolute: -0.01 } },
  roc_auc: { direction: "higher", change: { absolute: -0.01 }, significance: "regression" },
  f1: { direction: "higher", change: { absolute: -0.02 } },
} as const;
export const GATED_METRICS = Object.keys(VERDICT_GATES) as (keyof typeof VERDICT_GATES)[];

export function verdictConfig(resamples: number): CompareConfig {
  return CompareConfig.parse({ metrics: VERDICT_GATES, bootstrap: { resamples, seed: 20240601 } });
}

const origin: BaselineOrigin = { kind: "local", description: "A/A bench baseline", notes: [] };

export interface MetricOutcome {
  verdict: MetricVerdict;
  method: string;
  delta: number | null;
  /** Two-sided p of "no change" from the test the verdict used. */
  pValue?: number;
  alpha: number;
}

/** Writes the pair's predictions into `folder` and runs the compare step on them. */
export async function comparePair(
  folder: string,
  pair: GeneratedPair,
  config: CompareConfig,
): Promise<Record<string, MetricOutcome>> {
  const side = (label: string, model: ModelPredictions): ComparisonSide => {
    const predictionsPath = join(folder, `${label}.csv`);
    writeFileSync(predictionsPath, predictionsCsv(pair.yTrue, model));
    return { label, metrics: {}, params: {}, predictionsPath };
  };
  const baseline = side("baseline", pair.baseline);
  const candidate = side("candidate", pair.candidate);
  const { gates } = await compareRuns({ candidates: [candidate], baseline, origin, config });
  const outcomes: Record<string, MetricOutcome> = {};
  for (const verdict of gates.metrics) {
    outcomes[verdict.metric] = {
      verdict: verdict.verdict,
      method: verdict.evidence?.method ?? "none",
      delta: verdict.delta,
      pValue: verdict.evidence?.pValue,
      alpha: verdict.evidence?.alpha ?? 0.05,
    };
  }
  return outcomes;
}

export interface Tally {
  total: number;
  counts: Record<MetricVerdict, number>;
  methods: Set<string>;
  /** Verdicts whose change test rejected "no change" (two-sided p < alpha), whatever the label became. */
  rejected: number;
  deltaSum: number;
}

const emptyTally = (): Tally => ({
  total: 0,
  counts: { failed: 0, inconclusive: 0, regressed: 0, unchanged: 0, improved: 0, skipped: 0 },
  methods: new Set(),
  rejected: 0,
  deltaSum: 0,
});

export interface ExperimentOptions {
  seeds: number;
  /** The first seed; seeds are firstSeed, firstSeed + 1, ... */
  firstSeed?: number;
  rows: number;
  resamples: number;
  /** Candidate noise scales: 1 is A/A. */
  scales: readonly number[];
  signal?: number;
  noise?: number;
  /** Called after each seed, e.g. for progress. */
  onSeed?: (done: number) => void;
}

/** Per scale, per gated metric (and "all"), the verdicts over every seed. */
export type ExperimentResult = Map<number, Map<string, Tally>>;

export async function runVerdictExperiment(options: ExperimentOptions): Promise<ExperimentResult> {
  const config = verdictConfig(options.resamples);
  const result: ExperimentResult = new Map(
    options.scales.map((scale) => [scale, new Map([...GATED_METRICS, "all"].map((metric) => [metric, emptyTally()]))]),
  );
  const folder = mkdtempSync(join(tmpdir(), "ctrain-verdicts-"));
  try {
    for (let index = 0; index < options.seeds; index++) {
      const seed = (options.firstSeed ?? 1) + index;
      for (const scale of options.scales) {
        const pair = generatePair(seed, {
          rows: options.rows,
          signal: options.signal ?? DEFAULT_SIGNAL,
          noise: options.noise ?? DEFAULT_NOISE,
          scale,
        });
        const outcomes = await comparePair(folder, pair, config);
        const tallies = result.get(scale)!;
        for (const metric of GATED_METRICS) {
          const outcome = outcomes[metric];
          if (!outcome) throw new Error(`no verdict for ${metric} (seed ${seed}, scale ${scale})`);
          for (const tally of [tallies.get(metric)!, tallies.get("all")!]) {
            tally.total++;
            tally.counts[outcome.verdict]++;
            tally.methods.add(outcome.method);
            if (outcome.pValue !== undefined && outcome.pValue < outcome.alpha) tally.rejected++;
            tally.deltaSum += outcome.delta ?? 0;
          }
        }
      }
      options.onSeed?.(index + 1);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return result;
}

/** Gated verdicts (not skipped) that claim a change: improved or regressed. */
export function claimShare(tally: Tally): number {
  const gated = tally.total - tally.counts.skipped;
  return gated ? (tally.counts.improved + tally.counts.regressed) / gated : 0;
}

/** Share of gated verdicts that detected the effect: improved for a better candidate, regressed or failed for a worse. */
export function detectedShare(tally: Tally, scale: number): number {
  const gated = tally.total - tally.counts.skipped;
  if (!gated) return 0;
  const hits = scale < 1 ? tally.counts.improved : tally.counts.regressed + tally.counts.failed;
  return hits / gated;
}
