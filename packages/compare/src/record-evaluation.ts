import { basename } from "node:path";
import { isUserError, type Bundle, type CompareConfig, type RecordedValue, type RunDocument } from "@ctrain/core";
import { evaluateLoaded } from "./evidence.js";
import { loadPredictionsFile } from "./predictions-file.js";

/** Reported and evaluated values this close are the same metric computed twice, not a disagreement. */
export const REPORTED_METRIC_TOLERANCE = 1e-9;
/** run.json metric names hold at most 500 characters. */
const METRIC_NAME_MAX_CHARS = 500;

/**
 * Evaluates the run's predictions file and records the metrics in run.json, so the run record itself (uploaded as the
 * next change's baseline, kept in the store, published) carries them. A metric the command also wrote into a metrics
 * file keeps the evaluated value under its own name, which gates use; a reported value that differs is kept beside it
 * under `reportedMetricName` and warned about. Returns the updated record, or undefined when the run has no predictions.
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
  const updated: RunDocument = {
    ...run,
    metrics: mergeEvaluatedMetrics(run.metrics, evaluated.metrics, run.metricFiles, warn ?? (() => undefined)),
  };
  bundle.write("run", updated);
  return updated;
}

/**
 * The name a reported value keeps when the predictions give another: `<metrics file>:<metric>`
 * (`metrics.json:accuracy`), or `reported:<metric>` when the run read several metrics files and its record does not
 * say which one held the metric. No `/` or `.` is added, so the metric's name still follows the last `/`.
 */
export function reportedMetricName(metric: string, metricFiles: readonly string[]): string {
  const source = metricFiles.length === 1 ? basename(metricFiles[0]!) : "reported";
  return `${source}:${metric}`;
}

/**
 * Evaluated metrics first, then the reported ones. Recording the evaluated value again (the compare step after the
 * train step) changes nothing: the plain name already holds it, and a reported value kept aside stays.
 */
export function mergeEvaluatedMetrics(
  reported: Readonly<Record<string, RecordedValue>>,
  evaluated: Readonly<Record<string, number>>,
  metricFiles: readonly string[],
  warn: (message: string) => void,
): Record<string, RecordedValue> {
  const metrics: Record<string, RecordedValue> = { ...evaluated };
  const source = metricFiles.length === 1 ? `${metricFiles[0]!} reports` : "the metrics files report";
  for (const [name, value] of Object.entries(reported)) {
    const evaluatedValue = evaluated[name];
    if (evaluatedValue === undefined) {
      metrics[name] = value;
      continue;
    }
    if (sameValue(value, evaluatedValue)) continue;
    const reportedName = reportedMetricName(name, metricFiles);
    const kept = reportedName.length <= METRIC_NAME_MAX_CHARS;
    if (kept) metrics[reportedName] = value;
    warn(
      `${name}: ${source} ${String(value)}, the predictions give ${String(evaluatedValue)}; ` +
        `${name} records the evaluated value, which gates use` +
        (kept
          ? `, and ${reportedName} the reported one`
          : `; the reported one is not kept (${reportedName.length} characters is too long a name)`),
    );
  }
  return metrics;
}

function sameValue(reported: RecordedValue, evaluated: number): boolean {
  if (typeof reported !== "number") return false;
  if (reported === evaluated || (Number.isNaN(reported) && Number.isNaN(evaluated))) return true;
  return Math.abs(reported - evaluated) <= REPORTED_METRIC_TOLERANCE;
}
