import type { CompareConfig } from "@ctrain/core";
import {
  readClassifierPredictions,
  readRegressorPredictions,
  type PredictionColumns,
  type Predictions,
  type RegressionPredictions,
} from "@ctrain/metrics";

export type LoadedPredictions =
  { task: "classification"; predictions: Predictions } | { task: "regression"; predictions: RegressionPredictions };

function columnsOf(config: CompareConfig["predictions"]): PredictionColumns {
  return {
    yTrue: config["y-true"],
    yPred: config["y-pred"],
    score: config.score,
    probabilityPrefix: config["proba-prefix"],
    slice: config.slice,
    key: config.key,
  };
}

/**
 * Reads a run's predictions file for its task, with the key column that pairs its rows with another run's
 * (`compare.predictions.key`, else an `id` column when the file has one). With `task: auto`, scores or class probabilities mean classification,
 * and so do whole-number labels; fractional true values mean regression.
 */
export async function loadPredictionsFile(
  path: string,
  config: CompareConfig["predictions"],
): Promise<LoadedPredictions> {
  const options = { columns: columnsOf(config) };
  if (config.task === "regression")
    return { task: "regression", predictions: await readRegressorPredictions(path, options) };
  const predictions = await readClassifierPredictions(path, options);
  const continuous =
    config.task === "auto" &&
    !predictions.score &&
    !predictions.probabilities &&
    predictions.yTrue.some((label) => typeof label === "number" && !Number.isInteger(label));
  if (continuous) return { task: "regression", predictions: await readRegressorPredictions(path, options) };
  return { task: "classification", predictions };
}
