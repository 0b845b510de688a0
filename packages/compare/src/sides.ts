import { UserError, sha256FileSync, type Bundle, type ResolvedBaseline, type RunDocument } from "@ctrain/core";
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
    predictionsPath: verifiedPredictionsPath(run, bundle, label),
  };
}

/**
 * Where a run's predictions are, once their bytes are the ones its run.json recorded: a baseline's bundle comes
 * from another run, and predictions changed after training would decide the paired tests.
 */
function verifiedPredictionsPath(run: RunDocument, bundle: Bundle | undefined, label: string): string | undefined {
  if (!run.predictions || !bundle) return undefined;
  const recorded = run.predictions;
  const path = bundle.path(recorded.path);
  const hint = `the ${label}'s bundle changed after its run recorded it: train it again, or compare against another run`;
  let sha256: string;
  try {
    sha256 = sha256FileSync(path).sha256;
  } catch (error) {
    throw new UserError(
      `the ${label}'s predictions file ${recorded.path} cannot be read: ${(error as Error).message}`,
      {
        location: path,
        hint,
      },
    );
  }
  if (sha256 !== recorded.sha256) {
    throw new UserError(
      `the ${label}'s predictions file ${recorded.path} is not the one its run.json recorded: sha256 ${sha256}, recorded ${recorded.sha256}`,
      { location: path, hint },
    );
  }
  return path;
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
