import { UserError, type Bundle, type ResolvedBaseline, type RunDocument } from "@ctrain/core";
import type { MetricMap } from "@ctrain/metrics";
import { toMetricMap } from "./values.js";

/** One side of a comparison: its metrics and params, and where its predictions are when it has them. */
export interface ComparisonSide {
  label: string;
  run?: RunDocument;
  metrics: MetricMap;
  params: MetricMap;
  /** Absolute path of the predictions file inside the side's bundle. */
  predictionsPath?: string;
}

export function sideOfBundle(bundle: Bundle, label: string): ComparisonSide {
  if (!bundle.has("run")) {
    throw new UserError(`no run.json in ${bundle.root}`, {
      hint: "run the train step first (it writes the run bundle), or point `bundle` at the folder it wrote",
    });
  }
  return sideOfRun(bundle.read("run"), bundle, label);
}

export function sideOfRun(run: RunDocument, bundle: Bundle | undefined, label: string): ComparisonSide {
  return {
    label,
    run,
    metrics: toMetricMap(run.metrics),
    params: toMetricMap(run.params),
    predictionsPath: run.predictions && bundle ? bundle.path(run.predictions.path) : undefined,
  };
}

/**
 * The baseline as a side: a run bundle when there is one (a branch run, or a release with its predictions), else the
 * bare metrics of a git ref or of a release published without predictions.
 */
export function sideOfBaseline(baseline: ResolvedBaseline): ComparisonSide | undefined {
  if (baseline.origin.kind === "none") return undefined;
  if (baseline.bundle?.has("run")) return sideOfRun(baseline.bundle.read("run"), baseline.bundle, "baseline");
  if (baseline.metrics) return { label: "baseline", metrics: toMetricMap(baseline.metrics), params: {} };
  return undefined;
}
