import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { Bundle, DEFAULT_STORE_DIR, UserError, type RunDocument } from "@ctrain/core";

export { DEFAULT_STORE_DIR };

/** A run bundle kept in the local store, addressed by branch and commit. */
export interface StoredRun {
  /** `<branch>/<sequence>`: stable, sortable, what `run:<id>` names locally. */
  id: string;
  branch: string;
  sequence: number;
  commit?: string;
  dir: string;
  run: RunDocument;
}

/** A store entry whose run.json cannot be read: never a baseline, always named. */
export interface DamagedRun {
  id: string;
  dir: string;
  reason: string;
}

/** Branch names hold `/` and other characters folders should not: keep them readable but flat. */
function branchFolder(branch: string): string {
  return encodeURIComponent(branch);
}

/**
 * The laptop's record of runs, the local twin of "workflow runs with their artifacts":
 * `<root>/runs/<branch>/<sequence>-<commit>/` holds a copy of each recorded bundle.
 */
export class LocalRunStore {
  readonly root: string;

  constructor(root: string = DEFAULT_STORE_DIR) {
    this.root = resolve(root);
  }

  private branchDir(branch: string): string {
    return join(this.root, "runs", branchFolder(branch));
  }

  /** Copies a finished bundle into the store (to a temporary name, then renamed: never half there). */
  record(bundleDir: string, branch: string): StoredRun {
    const run = new Bundle(bundleDir).read("run");
    const dir = this.branchDir(branch);
    mkdirSync(dir, { recursive: true });
    const sequence = (this.sequences(branch).at(-1) ?? 0) + 1;
    const name = `${String(sequence).padStart(6, "0")}-${run.source.commit?.slice(0, 12) ?? "nocommit"}`;
    const temp = join(dir, `.incoming-${randomBytes(6).toString("hex")}`);
    // The store may sit inside the bundle folder; never copy it into itself.
    cpSync(bundleDir, temp, { recursive: true, filter: (source) => !resolve(source).startsWith(this.root) });
    renameSync(temp, join(dir, name));
    return this.load(branch, name)!;
  }

  private entries(branch: string): string[] {
    const dir = this.branchDir(branch);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => /^\d{6}-/.test(name))
      .sort();
  }

  private sequences(branch: string): number[] {
    return this.entries(branch).map((name) => Number(name.slice(0, 6)));
  }

  private load(branch: string, name: string): StoredRun | undefined {
    const entry = this.open(branch, name);
    return "run" in entry ? entry : undefined;
  }

  private open(branch: string, name: string): StoredRun | DamagedRun {
    const dir = join(this.branchDir(branch), name);
    const id = `${branch}/${Number(name.slice(0, 6))}`;
    try {
      const run = new Bundle(dir, { untrusted: true }).read("run");
      return { id, branch, sequence: Number(name.slice(0, 6)), commit: run.source.commit, dir, run };
    } catch (error) {
      // A damaged entry must not hide the others: `damaged` names it wherever runs are listed or chosen.
      if (error instanceof UserError) return { id, dir, reason: error.message };
      throw error;
    }
  }

  /** Entries of a branch whose run record cannot be read, newest first. */
  damaged(branch: string): DamagedRun[] {
    return this.entries(branch)
      .reverse()
      .map((name) => this.open(branch, name))
      .filter((entry): entry is DamagedRun => !("run" in entry));
  }

  /** Runs on a branch, newest first. */
  list(branch: string, options: { succeededOnly?: boolean } = {}): StoredRun[] {
    return this.entries(branch)
      .reverse()
      .map((name) => this.load(branch, name))
      .filter(
        (run): run is StoredRun => run !== undefined && (!options.succeededOnly || run.run.status === "succeeded"),
      );
  }

  branches(): string[] {
    const dir = join(this.root, "runs");
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => !name.startsWith("."))
      .map(decodeURIComponent)
      .sort();
  }

  /** `<branch>/<sequence>` as printed by `ctrain runs`. */
  get(id: string): StoredRun | undefined {
    const slash = id.lastIndexOf("/");
    const branch = id.slice(0, slash);
    const sequence = Number(id.slice(slash + 1));
    if (slash <= 0 || !Number.isInteger(sequence)) return undefined;
    const name = this.entries(branch).find((entry) => Number(entry.slice(0, 6)) === sequence);
    return name ? this.load(branch, name) : undefined;
  }

  remove(run: StoredRun): void {
    rmSync(run.dir, { recursive: true, force: true });
  }
}
