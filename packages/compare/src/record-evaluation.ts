import { isUserError, type Bundle, type CompareConfig, type RunDocument } from "@ctrain/core";
import { evaluateLoaded } from "./evidence.js";
import { loadPredictionsFile } from "./predictions-file.js";

/**
 * Evaluates the run's predictions file and records the metrics in run.json, so the run record itself (uploaded as the
 * next change's baseline, kept in the store, published) carries them. Metrics the command wrote win over evaluated
 * ones of the same name. Returns the updated record, or undefined when the run has no predictions.
 * With `warn`, predictions ctrain cannot evaluate are reported there instead of thrown: training still succeeded,
 * and the compare step names the problem where it matters.
 */
export async function recordEvaluatedMetrics(
  bundle: Bundle,
  config: CompareConfig,
  warn?: (message: string) => void,
): Promise<RunDocument | undefined> {
  if (!bundle.has("run")) return undefined;
  const run = bundle.read("run");
  if (!run.predictions) return undefined;
  let loaded;
  try {
    loaded = await loadPredictionsFile(bundle.path(run.predictions.path), config.predictions);
  } catch (error) {
    if (!warn || !isUserError(error)) throw error;
    warn(`metrics from the predictions file were not recorded: ${error.format()}`);
    return undefined;
  }
  const evaluated = evaluateLoaded(loaded, config);
  const updated: RunDocument = { ...run, metrics: { ...evaluated.metrics, ...run.metrics } };
  bundle.write("run", updated);
  return updated;
}
