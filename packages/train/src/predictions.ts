import { copyFile, mkdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { UserError, sha256File, type FileDigest } from "@ctrain/core";
import { findOutputs, type OutputContext } from "./outputs.js";

/** Another run's bundle is read only up to 256 MB in all; predictions get a share of it that leaves room. */
export const PREDICTIONS_MAX_BYTES = 128 * 1024 * 1024;

/**
 * Copies the predictions file into the bundle (`predictions/<name>`), where compare evaluates it and pairs it with
 * the baseline's for significance tests; the digest's path is relative to the bundle.
 */
export async function bundlePredictions(
  pattern: string,
  bundleDir: string,
  context: OutputContext,
): Promise<FileDigest> {
  const files = await findOutputs("train.predictions", [pattern], context, { freshOnly: true });
  if (files.length !== 1) {
    throw new UserError(`train.predictions matches ${files.length} files; it must name one file`, {
      location: "train.predictions",
      hint: "write all predictions into one CSV, JSON Lines or Parquet file",
    });
  }
  const file = files[0]!;
  const size = (await stat(file)).size;
  if (size > PREDICTIONS_MAX_BYTES) {
    throw new UserError(
      `the predictions file is ${size} bytes, more than the ${PREDICTIONS_MAX_BYTES} a run bundle keeps`,
      {
        location: "train.predictions",
        hint: "write predictions for a held-out sample, or compress the file (gzip)",
      },
    );
  }
  const folder = join(bundleDir, "predictions");
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  const copy = join(folder, basename(file));
  await copyFile(file, copy);
  const digest = await sha256File(copy);
  return { path: `predictions/${basename(file)}`, bytes: digest.bytes, sha256: digest.sha256 };
}
