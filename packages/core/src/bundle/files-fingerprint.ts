import { createHash } from "node:crypto";
import type { FileDigest } from "./documents.js";

/**
 * One sha256 for a set of files: the sha256 of their `sha256sum`-style lines (`<sha256>  <path>\n`) sorted by path,
 * so anyone can recompute it with `sha256sum <files> | LC_ALL=C sort -k2 | sha256sum`, and renaming a file changes it.
 * validation.json and run.json record the same for a dataset.
 */
export function filesFingerprint(files: readonly FileDigest[]): string {
  const lines = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((file) => `${file.sha256}  ${file.path}\n`);
  return createHash("sha256").update(lines.join("")).digest("hex");
}
