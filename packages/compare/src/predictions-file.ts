import type { CompareConfig } from "@ctrain/core";
import { readPredictions, type PredictionColumns, type TaskPredictions } from "@ctrain/metrics";

export type LoadedPredictions = TaskPredictions;

function columnsOf(config: CompareConfig["predictions"]): PredictionColumns {
  return {
    yTrue: config["y-true"],
    yPred: config["y-pred"],
    score: config.score,
    probabilityPrefix: config["proba-prefix"],
    slice: config.slice,
    key: config.key,
    group: config.group,
    quantilePrefix: config["quantile-prefix"],
  };
}

/**
 * Reads a run's predictions file as the declared task (`compare.predictions.task`), or the task its columns and values
 * imply, with the key column that pairs its rows with another run's (`compare.predictions.key`, else an `id` column
 * when the file has one).
 */
export function loadPredictionsFile(path: string, config: CompareConfig["predictions"]): Promise<LoadedPredictions> {
  return readPredictions(path, { columns: columnsOf(config), task: config.task });
}
