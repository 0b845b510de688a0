import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { z } from "zod";
import {
  BUNDLE_FILES_MAX,
  Bundle,
  MODEL_FILES_MAX,
  RUN_CACHE_ENTRY_MAX_BYTES,
  UserError,
  confinedPath,
  encodeNonFinite,
  filesFingerprint,
  formatBytes,
  inspectUntrustedTree,
  sha256File,
  type FileDigest,
  type RecordedValue,
  type RunCacheStore,
  type RunDocument,
} from "@ctrain/core";
import type { DatasetFingerprint } from "./datasets.js";
import { digestFiles } from "./file-digest.js";
import { matchAllFiles, matchFiles, workspacePath } from "./file-patterns.js";
import type { TrainSettings } from "./settings.js";

/** Everything that decides a training result, as the run cache keys it. */
export interface RunCacheKeyInputs {
  command: string;
  /** Relative to the workspace. */
  workingDirectory: string;
  /** sha256 over the code's files (see `codeFingerprint`). */
  code: string;
  datasets: { name: string; fingerprint: string }[];
  /** The effective params, flattened. */
  params: Record<string, RecordedValue>;
  /** sha256 over the lockfiles found. */
  lockfiles: string;
  platform: { os: string; arch: string };
  /** The declared environment variables' values (null: unset). */
  environment: Record<string, string | null>;
  /** Settings that decide what the run records: train.env and the output paths. */
  recording: {
    env: Record<string, string>;
    metrics?: string[];
    predictions?: string;
    curves?: string[];
    modelFiles?: string[];
  };
}

/** Bumped when what a key covers changes, so older entries are never taken for newer ones. */
const KEY_VERSION = 1;

/** `ctrain-run-<os>-<arch>-<sha256>`: the platform is readable, the rest is one digest of canonical JSON. */
export function runCacheKey(inputs: RunCacheKeyInputs): string {
  const digest = createHash("sha256")
    .update(canonicalJson({ version: KEY_VERSION, ...inputs }))
    .digest("hex");
  const platform = `${inputs.platform.os}-${inputs.platform.arch}`.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 100);
  return `ctrain-run-${platform}-${digest}`;
}

/** JSON with object keys sorted at every level: the same values give the same text whatever their order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    const encoded = encodeNonFinite(_key, inner);
    if (encoded === null || typeof encoded !== "object" || Array.isArray(encoded)) return encoded;
    return Object.fromEntries(Object.entries(encoded).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** Files whose names say they pin dependencies; found at the workspace root and in the working directory. */
const KNOWN_LOCKFILES = [
  "requirements.txt",
  "requirements.lock",
  "poetry.lock",
  "uv.lock",
  "Pipfile.lock",
  "pdm.lock",
  "environment.yml",
  "conda-lock.yml",
  "package-lock.json",
  "pnpm-lock.yaml",
  "yarn.lock",
  "renv.lock",
  "Cargo.lock",
  "go.sum",
];

/** Where restored and saved entries are staged, in the workspace: the Actions cache names paths relative to it. */
export const RUN_CACHE_STAGING_DIR = ".ctrain-run-cache";

/**
 * The key's inputs for a run, or why the run cannot be cached (no way to fingerprint its code). `excluded` are
 * folders ctrain itself writes (the bundle, the outputs, the store): never part of the code.
 */
export async function collectRunCacheKeyInputs(
  settings: TrainSettings,
  run: { params: Record<string, RecordedValue>; datasets: readonly DatasetFingerprint[] },
  excluded: readonly string[] = [],
): Promise<RunCacheKeyInputs | { off: string }> {
  const runCache = settings.runCache ?? { environment: [] };
  const skipped = [settings.bundleDir, settings.outputDir, join(settings.root, RUN_CACHE_STAGING_DIR), ...excluded];
  const code = await codeFingerprint(settings.root, runCache.code, skipped);
  if ("off" in code) return code;
  return {
    command: settings.command,
    workingDirectory: relative(settings.root, settings.workingDirectory).split(sep).join("/") || ".",
    code: code.fingerprint,
    datasets: run.datasets.map(({ name, fingerprint }) => ({ name, fingerprint })),
    params: run.params,
    lockfiles: await lockfilesFingerprint(settings),
    platform: { os: settings.runner.os, arch: settings.runner.arch },
    environment: Object.fromEntries(runCache.environment.map((name) => [name, process.env[name] ?? null])),
    recording: {
      env: settings.env,
      ...(settings.metrics ? { metrics: settings.metrics } : {}),
      ...(settings.predictions ? { predictions: settings.predictions } : {}),
      ...(settings.curves ? { curves: settings.curves } : {}),
      ...(settings.modelFiles ? { modelFiles: settings.modelFiles } : {}),
    },
  };
}

/**
 * sha256 over the code as it is on disk: the files git tracks (under `code` when named; what is ignored or
 * untracked never counts, so outputs and caches do not change the key), or outside git the files `code` names.
 * Contents are read from the working tree, so uncommitted edits change the key too.
 */
export async function codeFingerprint(
  root: string,
  code: readonly string[] | undefined,
  excluded: readonly string[] = [],
): Promise<{ fingerprint: string; files: number } | { off: string }> {
  let files = trackedFiles(root, code);
  if (files === undefined) {
    if (!code) {
      return {
        off: "the workspace is not a git repository, so nothing says which files are the code; name them under train.run-cache.code",
      };
    }
    const matched = await matchAllFiles(code, root);
    if (matched.unmatched.length > 0) throw unmatchedCode(matched.unmatched, root);
    files = matched.files;
  } else if (code && files.length === 0) throw unmatchedCode(code, root);
  const outside = excluded.map((dir) => resolve(dir));
  const kept = files.filter(
    (file) => !outside.some((dir) => file === dir || file.startsWith(dir + sep)) && isPresent(file),
  );
  const links = kept.filter((file) => lstatSync(file).isSymbolicLink());
  const regular = kept.filter((file) => !links.includes(file));
  const digests: FileDigest[] = [
    ...(await digestFiles(regular)).map((file) => ({
      path: workspacePath(root, file.path, "code file"),
      bytes: file.bytes,
      sha256: file.sha256,
    })),
    // A tracked link is code by what it names, as git stores it.
    ...links.map((file) => ({
      path: workspacePath(root, file, "code file"),
      bytes: 0,
      sha256: createHash("sha256").update(readlinkSync(file)).digest("hex"),
    })),
  ];
  return { fingerprint: filesFingerprint(digests), files: digests.length };
}

function unmatchedCode(paths: readonly string[], root: string): UserError {
  return new UserError(`train.run-cache.code: no files at ${paths.join(", ")} (workspace: ${root})`, {
    location: "train.run-cache.code",
    hint: "name the folders and files of your training code (tracked by git), or remove the key to use every tracked file",
  });
}

/** A tracked file deleted in the working tree is left out (its absence changes the fingerprint). */
function isPresent(file: string): boolean {
  try {
    const info = lstatSync(file);
    return info.isFile() || info.isSymbolicLink();
  } catch {
    return false;
  }
}

/** Absolute paths of the files git tracks under `root` (and `code`), or undefined outside a git work tree. */
function trackedFiles(root: string, code: readonly string[] | undefined): string[] | undefined {
  let output: string;
  try {
    // An argument list, never a shell: the paths come from the config.
    output = execFileSync("git", ["ls-files", "-z", "--cached", "--", ...(code ?? [])], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 256 * 1024 ** 2,
    });
  } catch {
    return undefined;
  }
  return [...new Set(output.split("\0").filter(Boolean))].map((path) => resolve(root, path)).sort();
}

async function lockfilesFingerprint(settings: TrainSettings): Promise<string> {
  const candidates = new Set<string>();
  for (const dir of new Set([settings.root, settings.workingDirectory])) {
    for (const name of KNOWN_LOCKFILES) {
      const path = join(dir, name);
      if (existsSync(path) && lstatSync(path).isFile()) candidates.add(path);
    }
  }
  for (const pattern of settings.cache?.keyFiles ?? []) {
    for (const path of await matchFiles(pattern, settings.root)) candidates.add(path);
  }
  const digests = await digestFiles([...candidates].sort());
  return filesFingerprint(
    digests.map((file) => ({
      path: workspacePath(settings.root, file.path, "lockfile"),
      bytes: file.bytes,
      sha256: file.sha256,
    })),
  );
}

/** entry.json: the key an entry was saved under, checked on restore against the key the run computed. */
const RunCacheEntry = z.strictObject({
  schema: z.literal("ctrain.run-cache/v1"),
  key: z.string().max(512),
  savedAt: z.iso.datetime({ offset: true }),
});

const ENTRY_FILE = "entry.json";
const BUNDLE_FOLDER = "bundle";
const MODEL_FOLDER = "model";

/**
 * Checks a restored entry before anything of it is used: no links or special files, at most `maxBytes`, saved
 * under `key`, a run.json that fits its schema and succeeded, and every model file and the predictions with the
 * sha256 run.json records. Throws a UserError saying what is wrong.
 */
export async function verifyRunCacheEntry(
  dir: string,
  key: string,
  maxBytes: number = RUN_CACHE_ENTRY_MAX_BYTES,
): Promise<RunDocument> {
  inspectUntrustedTree(dir, { files: BUNDLE_FILES_MAX + MODEL_FILES_MAX + 1, bytes: maxBytes });
  const entry = new Bundle(dir).readJson(ENTRY_FILE, RunCacheEntry);
  if (entry.key !== key) throw new UserError(`it was saved under another key (${entry.key})`);
  const bundle = new Bundle(join(dir, BUNDLE_FOLDER), { untrusted: true });
  const run = bundle.read("run");
  if (run.status !== "succeeded") throw new UserError(`its run is ${run.status}, not succeeded`);
  const expected = [
    ...run.model.files.map((file) => ({ ...file, at: confinedPath(join(dir, MODEL_FOLDER), file.path) })),
    ...(run.predictions ? [{ ...run.predictions, at: bundle.path(run.predictions.path) }] : []),
  ];
  for (const file of expected) {
    if (!isPresent(file.at) || lstatSync(file.at).isSymbolicLink()) {
      throw new UserError(`${file.path} is missing from the entry`);
    }
    const { sha256 } = await sha256File(file.at);
    if (sha256 !== file.sha256) {
      throw new UserError(`${file.path} has sha256 ${sha256}, but run.json records ${file.sha256}`);
    }
  }
  return run;
}

export interface RunCacheHooks {
  store: RunCacheStore;
  /** Train even on a hit (`--force`, the `force` input); the new results then replace the entry where they may. */
  force?: boolean;
  /** Folders the code fingerprint leaves out (a local store inside the workspace). */
  excluded?: readonly string[];
  /** Tests lower the entry ceiling. */
  maxEntryBytes?: number;
}

/** One run's use of the run cache: restore before the command, save after it succeeded. */
export class RunCacheSession {
  private readonly staging: string;

  constructor(
    private readonly settings: TrainSettings,
    private readonly hooks: RunCacheHooks,
    readonly key: string,
    private readonly log: (line: string) => void,
    private readonly warn: (line: string) => void,
  ) {
    this.staging = join(settings.root, RUN_CACHE_STAGING_DIR);
  }

  /**
   * The record of the run that trained with the same inputs, restored into the bundle and the workspace and marked
   * `cached`; undefined on a miss, with `force`, or when the entry is refused (then training runs).
   */
  async restore(): Promise<RunDocument | undefined> {
    if (this.hooks.force) {
      this.log(`run cache: forced, training runs (key ${this.key})`);
      return undefined;
    }
    const { store } = this.hooks;
    this.resetStaging();
    try {
      let found: boolean;
      try {
        found = await store.restore(this.key, this.staging);
      } catch (error) {
        this.log(`run cache: ${store.description} could not be read, training runs: ${(error as Error).message}`);
        return undefined;
      }
      if (!found) {
        this.log(`run cache miss in ${store.description} (key ${this.key})`);
        return undefined;
      }
      let cached: RunDocument;
      try {
        cached = await verifyRunCacheEntry(this.staging, this.key, this.hooks.maxEntryBytes);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        // The first line names the file (or folder) and what is wrong with it; the hint speaks of other bundles.
        const reason = error.format().split("\n")[0];
        this.warn(`the run cache entry ${this.key} was refused and training runs: ${reason}`);
        return undefined;
      }
      return this.apply(cached);
    } finally {
      rmSync(this.staging, { recursive: true, force: true });
    }
  }

  /** Puts a verified entry's results in place: run.json and predictions in the bundle, model files in the workspace. */
  private apply(cached: RunDocument): RunDocument {
    const { settings } = this;
    const restoredBundle = join(this.staging, BUNDLE_FOLDER);
    if (cached.predictions) {
      copyInto(
        join(restoredBundle, cached.predictions.path),
        confinedPath(settings.bundleDir, cached.predictions.path),
      );
    }
    for (const file of cached.model.files) {
      copyInto(join(this.staging, MODEL_FOLDER, file.path), confinedPath(settings.root, file.path));
    }
    const now = new Date().toISOString();
    const { cache: _dependencyCache, errors: _errors, ...results } = cached;
    const run: RunDocument = {
      ...results,
      name: settings.name,
      createdAt: now,
      finishedAt: now,
      source: settings.source,
      runner: settings.runner,
      verdicts: {},
      cached: { key: this.key, source: cached.source, trainedAt: cached.createdAt },
    };
    const trainedBy = [
      cached.source.commit && `commit ${cached.source.commit.slice(0, 12)}`,
      cached.source.runUrl ?? (cached.source.runId !== undefined ? `run ${cached.source.runId}` : undefined),
      `trained ${cached.createdAt}`,
    ].filter(Boolean);
    this.log(`run cache hit (key ${this.key}): training skipped, the results are those of ${trainedBy.join(", ")}`);
    return run;
  }

  /** Saves a run that trained and succeeded, unless this run may not write the cache or the entry is too large. */
  async save(run: RunDocument): Promise<void> {
    const { store } = this.hooks;
    if (run.status !== "succeeded" || run.cached) return;
    if (store.readOnlyReason) {
      this.log(`run cache: not saved: ${store.readOnlyReason}`);
      return;
    }
    const { settings } = this;
    const maxBytes = this.hooks.maxEntryBytes ?? RUN_CACHE_ENTRY_MAX_BYTES;
    const bytes = run.model.files.reduce((sum, file) => sum + file.bytes, run.predictions?.bytes ?? 0);
    if (bytes > maxBytes) {
      this.log(`run cache: not saved: the model files are ${formatBytes(bytes)}, above ${formatBytes(maxBytes)}`);
      return;
    }
    this.resetStaging();
    try {
      const entry: z.input<typeof RunCacheEntry> = {
        schema: "ctrain.run-cache/v1",
        key: this.key,
        savedAt: new Date().toISOString(),
      };
      new Bundle(this.staging).writeJson(ENTRY_FILE, RunCacheEntry, entry);
      new Bundle(join(this.staging, BUNDLE_FOLDER)).write("run", run);
      if (run.predictions) {
        copyInto(
          confinedPath(settings.bundleDir, run.predictions.path),
          join(this.staging, BUNDLE_FOLDER, run.predictions.path),
        );
      }
      for (const file of run.model.files) {
        copyInto(confinedPath(settings.root, file.path), join(this.staging, MODEL_FOLDER, file.path));
      }
      if (await store.save(this.key, this.staging))
        this.log(`run cache: saved in ${store.description} (key ${this.key})`);
      else this.log(`run cache: ${store.description} did not take the entry (key ${this.key})`);
    } catch (error) {
      // A cache is an optimisation: the run's own record is already written.
      this.log(`run cache: not saved: ${(error as Error).message}`);
    } finally {
      rmSync(this.staging, { recursive: true, force: true });
    }
  }

  private resetStaging(): void {
    rmSync(this.staging, { recursive: true, force: true });
    mkdirSync(this.staging, { recursive: true });
  }
}

/** The run cache for a run, or undefined when it is off (by config, or for want of a code fingerprint). */
export async function openRunCache(
  settings: TrainSettings,
  hooks: RunCacheHooks | undefined,
  run: { params: Record<string, RecordedValue>; datasets: readonly DatasetFingerprint[] },
  log: (line: string) => void,
  warn: (line: string) => void,
): Promise<RunCacheSession | undefined> {
  if (!hooks || !settings.runCache) return undefined;
  const inputs = await collectRunCacheKeyInputs(settings, run, hooks.excluded);
  if ("off" in inputs) {
    log(`run cache off: ${inputs.off}`);
    return undefined;
  }
  return new RunCacheSession(settings, hooks, runCacheKey(inputs), log, warn);
}

/** Copies a file through a temporary name beside its target, so a reader never sees half of it. */
function copyInto(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const temp = `${to}.ctrain-${randomBytes(6).toString("hex")}`;
  copyFileSync(from, temp);
  renameSync(temp, to);
}
