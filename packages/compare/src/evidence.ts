import { isUserError, type CompareConfig } from "@ctrain/core";
import {
  bootstrapClassifierDelta,
  bootstrapRegressorDelta,
  classifierEvidence,
  evaluateClassifier,
  evaluateRegressor,
  pairClassifiers,
  pairRegressors,
  regressorEvidence,
  type BootstrapInterval,
  type ChangeEvidence,
  type ClassifierEvaluation,
  type PairedClassification,
  type PairedRegression,
} from "@ctrain/metrics";
import type { LoadedPredictions } from "./predictions-file.js";

export interface PredictionEvidence {
  /** Significance evidence per gated metric. */
  evidence: Record<string, ChangeEvidence>;
  /** Bootstrap interval of the delta per gated metric (what the report's interval column shows). */
  intervals: Record<string, BootstrapInterval>;
  notes: string[];
}

export interface EvaluatedSide {
  metrics: Record<string, number>;
  classification?: ClassifierEvaluation;
  notes: string[];
}

export function evaluateLoaded(loaded: LoadedPredictions, config: CompareConfig): EvaluatedSide {
  if (loaded.task === "regression") {
    const evaluation = evaluateRegressor(loaded.predictions);
    return { metrics: evaluation.metrics, notes: [] };
  }
  const positiveLabel = config.predictions["positive-label"];
  const evaluation = evaluateClassifier(loaded.predictions, positiveLabel === undefined ? {} : { positiveLabel });
  return { metrics: evaluation.metrics, classification: evaluation, notes: [...evaluation.notes] };
}

/**
 * Paired tests when both runs scored the same test set: the test that backs each gated metric (McNemar for accuracy,
 * DeLong for ROC AUC, a paired bootstrap otherwise), and a seeded paired bootstrap interval of every gated delta.
 */
export function pairedEvidence(
  baseline: LoadedPredictions,
  candidate: LoadedPredictions,
  gatedMetrics: readonly string[],
  config: CompareConfig,
): PredictionEvidence {
  const result: PredictionEvidence = { evidence: {}, intervals: {}, notes: [] };
  if (baseline.task !== candidate.task) {
    result.notes.push(`predictions not paired: the baseline is ${baseline.task}, the candidate ${candidate.task}`);
    return result;
  }
  const options = {
    resamples: config.bootstrap.resamples,
    confidence: config.bootstrap.confidence,
    seed: config.bootstrap.seed,
  };
  let classification: PairedClassification | undefined;
  let regression: PairedRegression | undefined;
  try {
    if (candidate.task === "classification" && baseline.task === "classification") {
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
    result.notes.push(`predictions not paired: ${error.message}`);
    return result;
  }
  const bootstrap = { resamples: config.bootstrap.resamples, seed: config.bootstrap.seed };
  for (const metric of gatedMetrics) {
    const alpha = config.metrics[metric]?.alpha;
    try {
      const evidence = classification
        ? classifierEvidence(classification, metric, { alpha, bootstrap })
        : regressorEvidence(regression!, metric, { alpha, bootstrap });
      result.evidence[metric] = evidence;
      // The report's interval column is at compare.bootstrap.confidence, whatever test backs the gate.
      result.intervals[metric] = classification
        ? bootstrapClassifierDelta(classification, metric, options)
        : bootstrapRegressorDelta(regression!, metric, options);
    } catch (error) {
      if (!isUserError(error)) throw error;
      result.notes.push(`${metric}: no paired test (${error.message})`);
    }
  }
  return result;
}
