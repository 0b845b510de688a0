import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_STORE_DIR, UserError, readTextFile, writeFileAtomic } from "@ctrain/core";
import { HISTORY_FILE_MAX_BYTES, type HistoryRecord } from "./record.js";
import {
  HISTORY_FILE,
  mergeHistory,
  parseHistory,
  serializeHistory,
  type HistoryContents,
  type HistoryStore,
} from "./store.js";

/** How long a writer waits for another's lock, and when a lock is taken to be left behind by a crashed writer. */
const LOCK_WAIT_MS = 10_000;
const LOCK_STALE_MS = 60_000;
const LOCK_POLL_MS = 25;

/** The history file in the local store (`.ctrain-store/history.jsonl`); writers take turns through a lock folder. */
export class LocalHistoryStore implements HistoryStore {
  readonly path: string;
  readonly label: string;

  constructor(path: string = join(DEFAULT_STORE_DIR, HISTORY_FILE)) {
    this.path = resolve(path);
    this.label = relative(process.cwd(), this.path) || this.path;
  }

  async read(): Promise<HistoryContents> {
    if (!existsSync(this.path)) return { records: [], refused: [] };
    const text = readTextFile(this.path, {
      label: this.label,
      what: "history store",
      maxBytes: HISTORY_FILE_MAX_BYTES,
    });
    return parseHistory(text, this.label);
  }

  async append(records: HistoryRecord[]): Promise<HistoryContents> {
    const release = await this.lock();
    try {
      const stored = await this.read();
      const merged = mergeHistory(stored.records, records);
      writeFileAtomic(this.path, serializeHistory(merged));
      return { records: merged, refused: stored.refused };
    } finally {
      release();
    }
  }

  /** mkdir is atomic: exactly one writer creates the lock folder. */
  private async lock(): Promise<() => void> {
    const lockDir = `${this.path}.lock`;
    mkdirSync(dirname(lockDir), { recursive: true });
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        mkdirSync(lockDir);
        return () => rmSync(lockDir, { recursive: true, force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      if (Date.now() - lockTime(lockDir) > LOCK_STALE_MS) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) {
        throw new UserError("another ctrain process is writing the history store", {
          location: this.label,
          hint: `wait for it to finish, or remove ${relative(process.cwd(), lockDir)} if no ctrain process is running`,
        });
      } else await sleep(LOCK_POLL_MS);
    }
  }
}

function lockTime(lockDir: string): number {
  try {
    return statSync(lockDir).mtimeMs;
  } catch {
    return Date.now();
  }
}
