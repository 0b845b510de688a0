import type { Bundle, CompareConfig, RunDocument } from "@ctrain/core";
import { evaluateLoaded } from "./evidence.js";
import { loadPredictionsFile } from "./predictions-file.js";

/**
 * Evaluates the run's predictions file and records the metrics in run.json, so the run record itself (uploaded as the
 * next change's baseline, kept in the store, published) carries them. Metrics the command wrote win over evaluated
 * ones of the same name. Returns the updated record, or undefined when the run has no predictions.
 */
export async function recordEvaluatedMetrics(bundle: Bundle, config: CompareConfig): Promise<RunDocument | undefined> {
  if (!bundle.has("run")) return undefined;
  const run = bundle.read("run");
  if (!run.predictions) return undefined;
  const loaded = await loadPredictionsFile(bundle.path(run.predictions.path), config.predictions);
  const evaluated = evaluateLoaded(loaded, config);
  const updated: RunDocument = { ...run, metrics: { ...evaluated.metrics, ...run.metrics } };
  bundle.write("run", updated);
  return updated;
}
