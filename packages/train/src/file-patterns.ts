import { readdir, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { UserError, describeFileKind } from "@ctrain/core";

/**
 * The files a path, directory or glob names, absolute and sorted: a directory stands for every file beneath it,
 * a glob (`models/*.pt`, `out/**`) for its matches. Nothing matching gives an empty list; callers explain that.
 */
export async function matchFiles(
  pattern: string,
  cwd: string,
  options: { followLinkedFolders?: boolean } = {},
): Promise<string[]> {
  if (isDynamicPattern(pattern)) {
    const matches = await glob(pattern, { cwd, absolute: true, onlyFiles: true, dot: true, expandDirectories: false });
    return matches.map((path) => resolve(path)).sort();
  }
  const path = resolve(cwd, pattern);
  const info = await stat(path).catch(() => undefined);
  if (!info) return [];
  if (info.isFile()) return [path];
  if (!info.isDirectory()) {
    // Reading a FIFO or a device would block or never end.
    throw new UserError(`${pattern} is ${describeFileKind(info)}, not a regular file or folder`, {
      location: path,
      hint: "name files or folders on disk",
    });
  }
  if (options.followLinkedFolders === false) return (await filesUnder(path, cwd)).sort();
  const inside = await glob("**", { cwd: path, absolute: true, onlyFiles: true, dot: true });
  return inside.map((file) => resolve(file)).sort();
}

/**
 * Every entry beneath `dir` that is not a folder (links to files included, for the caller to resolve and check).
 * A link to a folder is refused rather than followed: it may lead out of the workspace, or loop.
 */
async function filesUnder(dir: string, cwd: string): Promise<string[]> {
  const files: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isDirectory()) {
        throw new UserError(`${relative(cwd, path)} is a link to a folder, which ctrain does not follow`, {
          location: path,
          hint: "name the folder it points to (inside the workspace), or write the files there directly",
        });
      } else files.push(path);
    }
  }
  return files;
}

/** Several patterns, each file once, in pattern order then path order; also says which patterns matched nothing. */
export async function matchAllFiles(
  patterns: readonly string[],
  cwd: string,
  options: { followLinkedFolders?: boolean } = {},
): Promise<{ files: string[]; unmatched: string[] }> {
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const matches = await matchFiles(pattern, cwd, options);
    if (matches.length === 0) unmatched.push(pattern);
    for (const file of matches) files.add(file);
  }
  return { files: [...files], unmatched };
}

/** A path as run.json records it: relative to the workspace, with forward slashes. */
export function workspacePath(root: string, path: string, what: string): string {
  const inside = relative(root, path);
  if (inside === "" || inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside)) {
    throw new UserError(`${what} ${path} is outside the workspace ${root}`, {
      hint: "write outputs inside the checked-out repository (for example under $CTRAIN_OUTPUT_DIR)",
    });
  }
  return inside.split(sep).join("/");
}
