import { UserError, isUserError, type FileDigest, type RecordedValue } from "@ctrain/core";
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
  const attempt = async <T>(setting: string, collect: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await collect();
    } catch (error) {
      problems.push(asOutputProblem(error, setting));
      return undefined;
    }
  };
  const { root } = settings;
  const metrics = await attempt("train.metrics", async () => {
    const found = await collectMetrics(settings.metrics, settings.outputDir, context);
    return { ...found, files: found.files.map((file) => workspacePath(root, file, "metrics file")) };
  });
  const curves = settings.curves
    ? await attempt("train.curves", () => collectCurves(settings.curves!, root, context, options.log))
    : undefined;
  const predictions = settings.predictions
    ? await attempt("train.predictions", () => bundlePredictions(settings.predictions!, settings.bundleDir, context))
    : undefined;
  let modelFiles: ModelFile[] | undefined;
  if (settings.modelFiles && options.cancelled) {
    options.log("cancelled: model files are not hashed");
  } else if (settings.modelFiles) {
    modelFiles = await attempt("train.model-files", async () => {
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

/**
 * A problem reading the command's outputs, as a UserError naming the setting: the file system's refusals (a
 * folder where a file was expected, permissions, a link loop) are about the outputs, not ctrain. Other errors are
 * bugs and propagate (the run record is still written, see runTraining).
 */
function asOutputProblem(error: unknown, setting: string): UserError {
  if (isUserError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string") throw error;
  return new UserError(`could not read the command's outputs: ${(error as Error).message}`, {
    location: setting,
    hint: "check what the command wrote there (a folder, link or unreadable file where a file was expected)",
    cause: error,
  });
}
