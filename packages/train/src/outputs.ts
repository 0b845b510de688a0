import { stat } from "node:fs/promises";
import { relative } from "node:path";
import { UserError } from "@ctrain/core";
import { matchAllFiles } from "./file-patterns.js";
import { describeWrittenFiles, filesWrittenSince } from "./written-files.js";

/** Where the command ran, for finding and explaining its outputs. */
export interface OutputContext {
  workingDirectory: string;
  /** When the command started (ms since epoch): older files are not this run's outputs. */
  startedAtMs: number;
  /** Files ctrain itself wrote for the command (the params file), which are not its outputs. */
  ownFiles: ReadonlySet<string>;
}

/**
 * How much older than the run's start an output may look before it counts as stale: coarse file-time clocks (and
 * filesystems with 1-2 s resolution) must not turn a fresh file into an error; a checkout or an earlier run is older.
 */
const STALE_TOLERANCE_MS = 2000;

/**
 * The files the command wrote for one setting (`train.metrics`, `train.model-files`, ...). A pattern that
 * matches nothing, or only files older than the run, is an error naming the path and the working directory and
 * listing what the command did write, which is usually the fix. With `freshOnly`, a file older than the run
 * is an error too (metrics left by an earlier run must not pass for this one's; model files may include files
 * kept in the repository).
 */
export async function findOutputs(
  setting: string,
  patterns: readonly string[],
  context: OutputContext,
  options: { freshOnly: boolean },
): Promise<string[]> {
  const matched = await matchAllFiles(patterns, context.workingDirectory);
  const { unmatched } = matched;
  // `ctrain-output/**` should not record the params file ctrain wrote for the command.
  const files = matched.files.filter((file) => !context.ownFiles.has(file));
  if (unmatched.length > 0) {
    const written = await filesWrittenSince(context.workingDirectory, context.startedAtMs, context.ownFiles);
    throw new UserError(
      `nothing found at ${unmatched.join(", ")} (working directory: ${context.workingDirectory}); ${describeWrittenFiles(written)}`,
      {
        location: setting,
        hint: `make the command write there, or set ${setting} to where it writes (relative to the working directory)`,
      },
    );
  }
  for (const file of options.freshOnly ? files : []) {
    const modified = (await stat(file)).mtimeMs;
    if (modified < context.startedAtMs - STALE_TOLERANCE_MS) {
      throw new UserError(
        `${relative(context.workingDirectory, file)} was last written at ${new Date(modified).toISOString()}, before the command started: it is not this run's output`,
        {
          location: setting,
          hint: "make the command write it on every run (a stale file from an earlier run or a checkout would be recorded as this run's)",
        },
      );
    }
  }
  return files;
}
