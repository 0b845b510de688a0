import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, sep } from "node:path";
import { UserError, describeFileKind } from "@ctrain/core";
import { matchAllFiles } from "./file-patterns.js";
import { describeWrittenFiles, filesWrittenSince } from "./written-files.js";

/** Where the command ran, for finding and explaining its outputs. */
export interface OutputContext {
  /** The workspace: outputs, and whatever their links point to, must be inside it. */
  root: string;
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
  const matched = await matchAllFiles(patterns, context.workingDirectory, { followLinkedFolders: false });
  const { unmatched } = matched;
  // `ctrain-output/**` should not record the params file ctrain wrote for the command.
  const files = await confineToWorkspace(
    matched.files.filter((file) => !context.ownFiles.has(file)),
    context,
    setting,
  );
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

/**
 * Outputs are recorded (hashed, copied, published) as the files they resolve to: each must resolve inside the
 * workspace and be a regular file, so a link to /etc/passwd or to a folder elsewhere is refused, not recorded as
 * the model. A file reached twice (through a link to its own folder) is recorded once, under its first path.
 */
async function confineToWorkspace(files: string[], context: OutputContext, setting: string): Promise<string[]> {
  const root = await realpath(context.root);
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const file of files) {
    const shown = relative(context.workingDirectory, file);
    const real = await realpath(file).catch((error: NodeJS.ErrnoException) => {
      throw new UserError(`${shown} cannot be resolved (${error.code ?? error.message}): a dangling or looping link`, {
        location: setting,
        hint: "write the output as a file, not a link",
        cause: error,
      });
    });
    const inside = relative(root, real);
    if (inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside)) {
      throw new UserError(`${shown} resolves to ${real}, outside the workspace ${root}`, {
        location: setting,
        hint: "write outputs inside the workspace; ctrain does not record files through links that leave it",
      });
    }
    const info = await stat(real);
    if (!info.isFile()) {
      throw new UserError(`${shown} is ${describeFileKind(info)}, not a regular file`, {
        location: setting,
        hint: "name files the command writes",
      });
    }
    if (seen.has(real)) continue;
    seen.add(real);
    kept.push(file);
  }
  return kept;
}
