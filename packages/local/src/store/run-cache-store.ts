import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { confinedPath, type RunCacheStore } from "@ctrain/core";
import { DEFAULT_STORE_DIR } from "./run-store.js";

/** Run-cache keys are `ctrain-run-<platform>-<sha256>`; anything else never names a folder here. */
const KEY_PATTERN = /^[A-Za-z0-9_.-]{1,512}$/;

/** The run cache on the laptop: `<store>/cache/<key>/` holds one entry (run bundle and model files). */
export class LocalRunCacheStore implements RunCacheStore {
  readonly root: string;
  readonly description: string;

  constructor(storeRoot: string = DEFAULT_STORE_DIR) {
    this.root = join(resolve(storeRoot), "cache");
    this.description = `the local store ${this.root}`;
  }

  private entryDir(key: string): string {
    if (!KEY_PATTERN.test(key) || key.startsWith(".")) throw new Error(`not a run-cache key: ${JSON.stringify(key)}`);
    return confinedPath(this.root, key);
  }

  restore(key: string, into: string): Promise<boolean> {
    const dir = this.entryDir(key);
    if (!existsSync(dir)) return Promise.resolve(false);
    // Links are copied as links, so the check of the restored entry sees them and refuses it.
    cpSync(dir, into, { recursive: true, verbatimSymlinks: true });
    return Promise.resolve(true);
  }

  /** Replaces the entry in one rename: a reader sees the old entry or the new one, never half of either. */
  save(key: string, from: string): Promise<boolean> {
    const dir = this.entryDir(key);
    mkdirSync(this.root, { recursive: true });
    const temp = join(this.root, `.incoming-${randomBytes(6).toString("hex")}`);
    cpSync(from, temp, { recursive: true });
    const old = join(this.root, `.outgoing-${randomBytes(6).toString("hex")}`);
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(temp, dir);
    rmSync(old, { recursive: true, force: true });
    return Promise.resolve(true);
  }
}
