import { setTimeout as sleep } from "node:timers/promises";
import { UserError, decodeUtf8 } from "@ctrain/core";
import {
  HISTORY_FILE,
  HISTORY_FILE_MAX_BYTES,
  mergeHistory,
  parseHistory,
  serializeHistory,
  type HistoryContents,
  type HistoryRecord,
  type HistoryStore,
} from "@ctrain/history";
import type { GitHubClient } from "./client-timing.js";
import { explainGitHubError } from "./errors.js";
import { inertLog } from "./log.js";

export const HISTORY_BRANCH = "ctrain-history";
/** Writes tried before giving up when other runs keep moving the branch; each retry re-reads what they wrote. */
export const HISTORY_APPEND_ATTEMPTS = 8;
const RETRY_DELAY_MS = 250;

interface BranchHead {
  commit: string;
  tree: string;
}

export interface GitHubHistoryStoreOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  branch?: string;
  log?: (line: string) => void;
  /** The first retry's wait; later ones double it, with jitter so racing runs spread out. */
  retryDelayMs?: number;
}

/**
 * The history file on a branch of its own (`ctrain-history`), written with a compare-and-swap on the ref: each
 * append builds a commit on the head it read and moves the branch with `force: false`; when another run moved it
 * first, GitHub refuses the update (422) and the append starts over from the new head, so no run's record is lost.
 */
export class GitHubHistoryStore implements HistoryStore {
  readonly label: string;
  private readonly branch: string;
  private readonly log: (line: string) => void;

  constructor(private readonly options: GitHubHistoryStoreOptions) {
    this.branch = options.branch ?? HISTORY_BRANCH;
    this.label = `${options.owner}/${options.repo}@${this.branch}:${HISTORY_FILE}`;
    this.log = inertLog(options.log);
  }

  private get repository(): { owner: string; repo: string } {
    return { owner: this.options.owner, repo: this.options.repo };
  }

  async read(): Promise<HistoryContents> {
    const head = await this.head();
    return head ? this.contentsAt(head) : { records: [], refused: [] };
  }

  async append(records: HistoryRecord[]): Promise<HistoryContents> {
    const baseDelay = this.options.retryDelayMs ?? RETRY_DELAY_MS;
    for (let attempt = 1; ; attempt++) {
      const head = await this.head();
      const stored = head ? await this.contentsAt(head) : { records: [], refused: [] };
      const merged = mergeHistory(stored.records, records);
      const commit = await this.commit(head, serializeHistory(merged), records).catch((error: unknown) =>
        explainGitHubError(error, "writeHistory", `record the run on the ${this.branch} branch`),
      );
      if (await this.moveBranch(head, commit)) return { records: merged, refused: stored.refused };
      if (attempt >= HISTORY_APPEND_ATTEMPTS) {
        throw new UserError(`${this.branch} kept moving: ${attempt} attempts to record the run all lost the race`, {
          location: this.label,
          hint: "re-run the history job; it appends the run again where the branch then stands",
        });
      }
      this.log(`history: ${this.branch} moved while this run wrote to it; retrying on its new head (${attempt})`);
      await sleep(baseDelay * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }

  private async head(): Promise<BranchHead | undefined> {
    const { client } = this.options;
    try {
      const { data: ref } = await client.rest.git.getRef({ ...this.repository, ref: `heads/${this.branch}` });
      const { data: commit } = await client.rest.git.getCommit({ ...this.repository, commit_sha: ref.object.sha });
      return { commit: commit.sha, tree: commit.tree.sha };
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      explainGitHubError(error, "readContents", `read the ${this.branch} branch`);
    }
  }

  private async contentsAt(head: BranchHead): Promise<HistoryContents> {
    const { client } = this.options;
    const { data: tree } = await client.rest.git.getTree({ ...this.repository, tree_sha: head.tree });
    const entry = tree.tree.find((item) => item.path === HISTORY_FILE && item.type === "blob");
    if (!entry?.sha) return { records: [], refused: [] };
    if ((entry.size ?? 0) > HISTORY_FILE_MAX_BYTES) {
      throw new UserError(`history store is larger than ${HISTORY_FILE_MAX_BYTES} bytes`, {
        location: this.label,
        hint: "the branch was altered; reset it to an earlier commit of its own history",
      });
    }
    const { data: blob } = await client.rest.git.getBlob({ ...this.repository, file_sha: entry.sha });
    const bytes = Buffer.from(blob.content, blob.encoding === "base64" ? "base64" : "utf8");
    return parseHistory(decodeUtf8(bytes, this.label), this.label);
  }

  /** A commit of the new file on top of `head` (or the branch's first commit). */
  private async commit(head: BranchHead | undefined, text: string, records: HistoryRecord[]): Promise<string> {
    const { client } = this.options;
    const { data: blob } = await client.rest.git.createBlob({
      ...this.repository,
      content: Buffer.from(text).toString("base64"),
      encoding: "base64",
    });
    const { data: tree } = await client.rest.git.createTree({
      ...this.repository,
      ...(head ? { base_tree: head.tree } : {}),
      tree: [{ path: HISTORY_FILE, mode: "100644", type: "blob", sha: blob.sha }],
    });
    const { data: commit } = await client.rest.git.createCommit({
      ...this.repository,
      message: `ctrain history: record ${records.map((record) => record.id).join(", ")}`,
      tree: tree.sha,
      parents: head ? [head.commit] : [],
    });
    return commit.sha;
  }

  /** Moves the branch from `head` to `commit`; false when another writer moved (or created) it first. */
  private async moveBranch(head: BranchHead | undefined, commit: string): Promise<boolean> {
    const { client } = this.options;
    try {
      if (head) {
        await client.rest.git.updateRef({ ...this.repository, ref: `heads/${this.branch}`, sha: commit, force: false });
      } else {
        await client.rest.git.createRef({ ...this.repository, ref: `refs/heads/${this.branch}`, sha: commit });
      }
      return true;
    } catch (error) {
      if ((error as { status?: number }).status === 422) return false;
      // Writing a branch needs `contents: write`, the permission releases need too.
      explainGitHubError(error, "release", `write the ${this.branch} branch`);
    }
  }
}
