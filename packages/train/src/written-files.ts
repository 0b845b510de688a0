import { lstat, readdir } from "node:fs/promises";
import { join, relative } from "node:path";

/** Folders that hold tools' state, not a command's outputs. */
const SKIPPED_FOLDERS = new Set([".git", "node_modules", ".ctrain", "__pycache__", ".venv", ".cache"]);
/** The walk stops after this many entries, so a huge workspace cannot stall an error message. */
const MAX_ENTRIES_VISITED = 100_000;
/** Kernels stamp files with a coarse clock that may lag the clock the start time was read from by up to a tick. */
const CLOCK_LAG_MS = 50;

/**
 * Files under `dir` modified since `since` (ms since epoch), relative to `dir`, sorted, leaving out `ignore`
 * (absolute paths ctrain wrote itself); for error messages.
 */
export async function filesWrittenSince(
  dir: string,
  since: number,
  ignore: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  const found: string[] = [];
  const pending = [dir];
  let visited = 0;
  while (pending.length > 0 && visited < MAX_ENTRIES_VISITED) {
    const folder = pending.pop()!;
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (++visited > MAX_ENTRIES_VISITED) break;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) pending.push(path);
      } else if (entry.isFile()) {
        const info = await lstat(path).catch(() => undefined);
        if (info && info.mtimeMs >= since - CLOCK_LAG_MS && !ignore.has(path)) found.push(relative(dir, path));
      }
    }
  }
  return found.sort();
}

/** `a.json, b/c.pkl and 3 more`, or a sentence saying nothing was written. */
export function describeWrittenFiles(files: readonly string[], shown = 15): string {
  if (files.length === 0) return "the command wrote no files there";
  const list = files.slice(0, shown).join(", ");
  return `the command wrote: ${list}${files.length > shown ? ` and ${files.length - shown} more` : ""}`;
}
