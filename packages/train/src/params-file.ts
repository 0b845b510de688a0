import { createHash } from "node:crypto";
import { chmodSync, existsSync, readFileSync, realpathSync, rmSync, statSync, utimesSync } from "node:fs";
import { basename, dirname, extname, join, relative } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseDocument, stringify } from "yaml";
import { UserError, YAML_ALIASES_MAX, writeFileAtomic } from "@ctrain/core";
import { serializeParams } from "./params.js";

/**
 * A params file that holds a run's overrides, as `dvc exp run --set-param` leaves it, so that a command reading
 * params.yaml itself trains with the values the run records. `restore()` puts the original bytes (and times) back.
 */
export interface OverriddenParamsFile {
  /** False when the file had to be rewritten from the values (its comments and layout are gone for the run). */
  layoutKept: boolean;
  restore(): void;
}

/**
 * Written beside the params file before the overrides are, and removed once the original is back: a run killed in
 * between (SIGKILL, a lost runner) leaves it, and the next run restores the original from it.
 */
interface ParamsBackup {
  schema: "ctrain.params-backup/v1";
  /** The process that wrote the overrides: while it runs, the file is its and not a leftover. */
  pid: number;
  /** Of the bytes written for the run: a file that no longer has them was edited since, and is not overwritten. */
  writtenSha256: string;
  mode: number;
  atimeMs: number;
  mtimeMs: number;
  /** The original bytes, as text when they are UTF-8 (readable by a person restoring them by hand). */
  original: { text: string } | { base64: string };
}

export function paramsBackupPath(file: string): string {
  return join(dirname(file), `${basename(file)}.ctrain-backup`);
}

/** Writes the effective params into `file` in its own format, with a backup beside it. */
export function overrideParamsFile(
  file: string,
  overrides: Record<string, unknown>,
  effective: Record<string, unknown>,
): OverriddenParamsFile {
  const path = realpathSync(file);
  const bytes = readFileSync(path);
  const info = statSync(path);
  const text = bytes.toString("utf8");
  const rendered = renderEffectiveParams(text, path, overrides, effective);
  const written = Buffer.from(rendered.text, "utf8");
  const backup: ParamsBackup = {
    schema: "ctrain.params-backup/v1",
    pid: process.pid,
    writtenSha256: sha256(written),
    mode: info.mode & 0o7777,
    atimeMs: info.atimeMs,
    mtimeMs: info.mtimeMs,
    original: Buffer.from(text, "utf8").equals(bytes) ? { text } : { base64: bytes.toString("base64") },
  };
  const backupFile = paramsBackupPath(path);
  writeFileAtomic(backupFile, JSON.stringify(backup, null, 2) + "\n");
  try {
    writeFileAtomic(path, written);
    chmodSync(path, backup.mode);
  } catch (error) {
    restoreFromBackup(path, backup);
    throw error;
  }
  let restored = false;
  return {
    layoutKept: rendered.layoutKept,
    restore: () => {
      if (restored) return;
      restoreFromBackup(path, backup);
      restored = true;
    },
  };
}

/**
 * Restores a params file that a killed run left with its overrides (its backup is still there). Refuses, rather
 * than guess, when another live ctrain process owns the backup or the file was edited since.
 */
export function recoverParamsFile(file: string, warn: (line: string) => void): void {
  const path = existsSync(file) ? realpathSync(file) : file;
  const backupFile = paramsBackupPath(path);
  if (!existsSync(backupFile)) return;
  const shown = relative(process.cwd(), path) || path;
  const backup = readBackup(backupFile);
  if (backup.pid !== process.pid && processIsAlive(backup.pid)) {
    throw new UserError(`another ctrain run (process ${backup.pid}) has written its param overrides into ${shown}`, {
      location: backupFile,
      hint: `runs that share a working directory cannot override params at the same time: wait for it, or delete ${backupFile} if that process is not a ctrain run`,
    });
  }
  const current = existsSync(path) ? sha256(readFileSync(path)) : undefined;
  if (current !== backup.writtenSha256) {
    throw new UserError(`${shown} changed after an interrupted run wrote its param overrides into it`, {
      location: backupFile,
      hint: `the file as it was before that run is the "original" in ${backupFile}: restore what you need from it, then delete ${backupFile}`,
    });
  }
  restoreFromBackup(path, backup);
  warn(`restored ${shown}: an interrupted run had left its param overrides in it`);
}

function restoreFromBackup(path: string, backup: ParamsBackup): void {
  const original =
    "text" in backup.original
      ? Buffer.from(backup.original.text, "utf8")
      : Buffer.from(backup.original.base64, "base64");
  writeFileAtomic(path, original);
  chmodSync(path, backup.mode);
  // The original times too: tools that compare times (make, caches keyed on mtime) see the file untouched.
  utimesSync(path, backup.atimeMs / 1000, backup.mtimeMs / 1000);
  rmSync(paramsBackupPath(path), { force: true });
}

function readBackup(backupFile: string): ParamsBackup {
  let backup: unknown;
  try {
    backup = JSON.parse(readFileSync(backupFile, "utf8"));
  } catch {
    backup = undefined;
  }
  const candidate = backup as Partial<ParamsBackup> | undefined;
  const original = candidate?.original as Record<string, unknown> | undefined;
  if (
    candidate?.schema !== "ctrain.params-backup/v1" ||
    typeof candidate.pid !== "number" ||
    typeof candidate.writtenSha256 !== "string" ||
    typeof candidate.mode !== "number" ||
    typeof candidate.atimeMs !== "number" ||
    typeof candidate.mtimeMs !== "number" ||
    (typeof original?.text !== "string" && typeof original?.base64 !== "string")
  ) {
    throw new UserError("not a params backup ctrain can read", {
      location: backupFile,
      hint: `ctrain keeps a params file's original here while a run overrides it; restore the params file by hand if needed, then delete ${backupFile}`,
    });
  }
  return candidate as ParamsBackup;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The params file's text with the overrides applied. JSON stays JSON (its indentation kept); YAML is edited through
 * the yaml Document, which keeps comments and layout. The result must read back as exactly the effective params;
 * when the document cannot hold an override that way (one set through an alias, say), the values are written plainly.
 */
export function renderEffectiveParams(
  original: string,
  file: string,
  overrides: Record<string, unknown>,
  effective: Record<string, unknown>,
): { text: string; layoutKept: boolean } {
  if (isJson(original, file)) {
    const text = serializeParams(effective, jsonIndent(original));
    return { text: /\n\s*$/.test(original) ? text : text.trimEnd(), layoutKept: true };
  }
  const document = parseDocument(original);
  try {
    for (const [key, value] of Object.entries(overrides)) {
      // Scalars go in as values, so an existing scalar node (and the comment on its line) is kept.
      const node = isScalarValue(value) ? value : document.createNode(value);
      document.setIn(key.split("."), node);
    }
    const text = document.toString({ lineWidth: 0, flowCollectionPadding: false });
    if (readsAs(text, effective)) return { text, layoutKept: true };
  } catch {
    // The document's structure refused an override (a path through an alias or a scalar): write the values.
  }
  return { text: stringify(effective, { lineWidth: 0 }), layoutKept: false };
}

function isScalarValue(value: unknown): boolean {
  return value === null || (typeof value !== "object" && typeof value !== "function");
}

function readsAs(text: string, effective: Record<string, unknown>): boolean {
  const document = parseDocument(text, { uniqueKeys: true });
  return (
    document.errors.length === 0 &&
    isDeepStrictEqual(document.toJS({ maxAliasCount: YAML_ALIASES_MAX }) ?? {}, effective)
  );
}

function isJson(text: string, file: string): boolean {
  const extension = extname(file).toLowerCase();
  if (extension === ".json") return true;
  if (extension === ".yaml" || extension === ".yml") return false;
  try {
    JSON.parse(text);
    return text.trim().startsWith("{");
  } catch {
    return false;
  }
}

/** The indentation of the first indented line (two spaces, four, a tab), or none for one-line JSON. */
function jsonIndent(text: string): string {
  if (!text.trim().includes("\n")) return "";
  return /^[ \t]+(?=\S)/m.exec(text)?.[0] ?? "  ";
}
