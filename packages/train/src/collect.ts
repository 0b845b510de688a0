import { isUserError, type FileDigest, type RecordedValue, type UserError } from "@ctrain/core";
import { collectCurves, type Curve } from "./curves.js";
import { workspacePath } from "./file-patterns.js";
import { collectMetrics } from "./metrics.js";
import { describeModelFiles, type ModelFile } from "./model-files.js";
import { findOutputs, type OutputContext } from "./outputs.js";
import { bundlePredictions } from "./predictions.js";
import type { TrainSettings } from "./settings.js";

/** What the command produced, and what could not be read (each problem is a UserError naming its setting). */
export interface CollectedOutputs {
  metrics: Record<string, RecordedValue>;
  metricFiles: string[];
  curves: Curve[];
  predictions?: FileDigest;
  modelFiles: ModelFile[];
  problems: UserError[];
}

/**
 * Reads every output the settings name. A problem with one output does not stop the others: a failed run still
 * records whatever it left behind. A cancelled run skips model hashing, which could outlast the runner's patience.
 */
export async function collectOutputs(
  settings: TrainSettings,
  context: OutputContext,
  options: { cancelled: boolean; log: (line: string) => void },
): Promise<CollectedOutputs> {
  const problems: UserError[] = [];
  const attempt = async <T>(collect: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await collect();
    } catch (error) {
      if (!isUserError(error)) throw error;
      problems.push(error);
      return undefined;
    }
  };
  const { root } = settings;
  const metrics = await attempt(async () => {
    const found = await collectMetrics(settings.metrics, settings.outputDir, context);
    return { ...found, files: found.files.map((file) => workspacePath(root, file, "metrics file")) };
  });
  const curves = settings.curves
    ? await attempt(() => collectCurves(settings.curves!, root, context, options.log))
    : undefined;
  const predictions = settings.predictions
    ? await attempt(() => bundlePredictions(settings.predictions!, settings.bundleDir, context))
    : undefined;
  let modelFiles: ModelFile[] | undefined;
  if (settings.modelFiles && options.cancelled) {
    options.log("cancelled: model files are not hashed");
  } else if (settings.modelFiles) {
    modelFiles = await attempt(async () => {
      const files = await findOutputs("train.model-files", settings.modelFiles!, context, { freshOnly: false });
      return describeModelFiles(files, root, options.log);
    });
  }
  return {
    metrics: metrics?.metrics ?? {},
    metricFiles: metrics?.files ?? [],
    curves: curves ?? [],
    ...(predictions ? { predictions } : {}),
    modelFiles: modelFiles ?? [],
    problems,
  };
}
