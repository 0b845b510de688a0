import { isUserError, type CompareConfig } from "@ctrain/core";
import {
  changeBound,
  classifierChangeTest,
  describePairing,
  evaluatePredictions,
  pairClassifiers,
  pairRegressors,
  regressorChangeTest,
  type ChangeTest,
  type ClassifierEvaluation,
  type PairedClassification,
  type PairedRegression,
} from "@ctrain/metrics";
import type { LoadedPredictions } from "./predictions-file.js";

export interface PredictionEvidence {
  /** The paired change test per gated metric. */
  tests: Record<string, ChangeTest>;
  /** Why a gated metric has no paired test. */
  untested: Record<string, string>;
  notes: string[];
  /** The paired rows, for the report's flipped examples. */
  paired?: PairedClassification | PairedRegression;
}

/** A gated metric with its baseline value, which fixes the bound a relative change threshold tests. */
export interface GatedMetric {
  metric: string;
  baseline?: number;
}

export interface EvaluatedSide {
  metrics: Record<string, number>;
  classification?: ClassifierEvaluation;
  notes: string[];
}

export function evaluateLoaded(loaded: LoadedPredictions, config: CompareConfig): EvaluatedSide {
  const { predictions } = config;
  const positiveLabel = predictions["positive-label"];
  const evaluation = evaluatePredictions(loaded, {
    minSliceRows: predictions["min-slice-rows"],
    ...(predictions.k ? { k: predictions.k } : {}),
    ...(positiveLabel === undefined ? {} : { positiveLabel }),
  });
  const classification = "classes" in evaluation ? evaluation : undefined;
  return { metrics: evaluation.metrics, classification, notes: [...evaluation.notes] };
}

/**
 * Paired tests when both runs scored the same test set: McNemar for accuracy (the bootstrap when its gate tests a
 * bound other than 0), DeLong for ROC AUC, a seeded paired bootstrap otherwise. When the rows cannot be paired,
 * every gated metric says why.
 */
export function pairedEvidence(
  baseline: LoadedPredictions,
  candidate: LoadedPredictions,
  gated: readonly GatedMetric[],
  config: CompareConfig,
): PredictionEvidence {
  const result: PredictionEvidence = { tests: {}, untested: {}, notes: [] };
  const unpaired = (why: string): PredictionEvidence => {
    result.notes.push(`predictions not paired: ${why}`);
    for (const { metric } of gated) result.untested[metric] = `the predictions could not be paired (${why})`;
    return result;
  };
  if (baseline.task !== candidate.task) {
    return unpaired(`the baseline is ${baseline.task}, the candidate ${candidate.task}`);
  }
  if (candidate.task !== "binary" && candidate.task !== "multiclass" && candidate.task !== "regression") {
    return unpaired(`paired tests do not cover ${candidate.task} predictions yet`);
  }
  let classification: PairedClassification | undefined;
  let regression: PairedRegression | undefined;
  try {
    if (
      (candidate.task === "binary" || candidate.task === "multiclass") &&
      (baseline.task === "binary" || baseline.task === "multiclass")
    ) {
      const positiveLabel = config.predictions["positive-label"];
      classification = pairClassifiers(
        baseline.predictions,
        candidate.predictions,
        positiveLabel === undefined ? {} : { positiveLabel },
      );
    } else if (candidate.task === "regression" && baseline.task === "regression") {
      regression = pairRegressors(baseline.predictions, candidate.predictions);
    }
  } catch (error) {
    if (!isUserError(error)) throw error;
    return unpaired(error.message);
  }
  result.paired = classification ?? regression;
  const pairing = describePairing(result.paired!.pairing);
  if (pairing) result.notes.push(pairing);
  const bootstrap = { resamples: config.bootstrap.resamples, seed: config.bootstrap.seed };
  for (const { metric, baseline: baselineValue } of gated) {
    const gate = config.metrics[metric];
    const bound = gate && baselineValue !== undefined ? changeBound(gate, baselineValue) : undefined;
    const options = { bootstrap, nonZeroBound: bound !== undefined && bound.bound !== 0 };
    try {
      result.tests[metric] = classification
        ? classifierChangeTest(classification, metric, options)
        : regressorChangeTest(regression!, metric, options);
    } catch (error) {
      if (!isUserError(error)) throw error;
      result.untested[metric] = `no paired test: ${error.message}`;
    }
  }
  return result;
}
