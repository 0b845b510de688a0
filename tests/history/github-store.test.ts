import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GitHubHistoryStore, createGitHubClient, type GitHubClient } from "@ctrain/github";
import { HISTORY_FILE, type HistoryRecord } from "@ctrain/history";
import { startGitHubFake, type GitHubFake } from "../harness/github-fake/index.js";
import { historyRecords } from "./support/runs.js";

const REF_WRITE = /\/git\/refs/;

let fake: GitHubFake;
let token: string;

beforeEach(async () => {
  // A loopback fake has no secondary rate limit: writes need not be spaced a second apart.
  vi.stubEnv("CTRAIN_GITHUB_WRITE_SPACING_MS", "0");
  fake = await startGitHubFake();
  fake.state.addRepo("octo/model");
  token = fake.issueToken({ kind: "installation", permissions: { contents: "write" } });
});

afterEach(async () => {
  vi.unstubAllEnvs();
  fake.assertNoViolations();
  await fake.close();
});

function client(): GitHubClient {
  return createGitHubClient({ token, baseUrl: fake.url });
}

function store(github = client()): GitHubHistoryStore {
  return new GitHubHistoryStore({ client: github, owner: "octo", repo: "model", retryDelayMs: 5 });
}

/** Holds each client's first ref write until every client has reached its own: all of them build on one head. */
function raceOnFirstRefWrite(clients: GitHubClient[]): void {
  let waiting = 0;
  let release!: () => void;
  const everyoneReady = new Promise<void>((resolve) => (release = resolve));
  for (const github of clients) {
    let first = true;
    github.hook.before("request", async (options) => {
      if (!first || !REF_WRITE.test(options.url) || options.method === "GET") return;
      first = false;
      if (++waiting === clients.length) release();
      await everyoneReady;
    });
  }
}

const ids = (records: HistoryRecord[]): string[] => records.map((record) => record.id);
const refusedRefWrites = (): number =>
  fake.requests.filter((request) => REF_WRITE.test(request.path) && request.status === 422).length;

describe("GitHubHistoryStore", () => {
  it("starts the ctrain-history branch, then appends to it, deduplicating by run id", async () => {
    const [first, second] = historyRecords(2);
    const history = store();
    expect(await history.read()).toEqual({ records: [], refused: [] });
    await history.append([first!]);
    await history.append([second!, { ...first!, release: "v1.0.0" }]);
    const { records } = await store().read();
    expect(ids(records)).toEqual([first!.id, second!.id]);
    expect(records[0]!.release).toBe("v1.0.0");
    const repo = fake.state.repo("octo/model");
    const head = repo.commits.get(repo.refs.get("heads/ctrain-history")!)!;
    expect(head.parents).toHaveLength(1);
  });

  it("loses neither entry when two runs create the branch at once", async () => {
    const clients = [client(), client()];
    raceOnFirstRefWrite(clients);
    const [a, b] = historyRecords(2);
    await Promise.all([store(clients[0]).append([a!]), store(clients[1]).append([b!])]);
    expect(ids((await store().read()).records)).toEqual([a!.id, b!.id]);
    expect(refusedRefWrites()).toBe(1);
  });

  it("loses neither entry when two runs append at once (compare-and-swap on the ref)", async () => {
    const records = historyRecords(3);
    await store().append([records[0]!]);
    const clients = [client(), client()];
    raceOnFirstRefWrite(clients);
    await Promise.all([store(clients[0]).append([records[1]!]), store(clients[1]).append([records[2]!])]);
    expect(ids((await store().read()).records)).toEqual(ids(records));
    expect(refusedRefWrites()).toBe(1);
  });

  it("refuses hostile lines on the branch, names them, and keeps the rest", async () => {
    const [record] = historyRecords(1);
    const github = client();
    const text = [
      JSON.stringify(record),
      '{"schema":"ctrain.history/v1","id":"x","date":"not a date"}',
      '{"__proto__":{"polluted":true}}',
      "not json",
    ].join("\n");
    const { data: blob } = await github.rest.git.createBlob({ owner: "octo", repo: "model", content: text });
    const { data: tree } = await github.rest.git.createTree({
      owner: "octo",
      repo: "model",
      tree: [{ path: HISTORY_FILE, mode: "100644", type: "blob", sha: blob.sha }],
    });
    const { data: commit } = await github.rest.git.createCommit({
      owner: "octo",
      repo: "model",
      message: "tampered",
      tree: tree.sha,
      parents: [],
    });
    await github.rest.git.createRef({
      owner: "octo",
      repo: "model",
      ref: "refs/heads/ctrain-history",
      sha: commit.sha,
    });
    const contents = await store().read();
    expect(ids(contents.records)).toEqual([record!.id]);
    expect(contents.refused).toHaveLength(3);
    expect(contents.refused[0]).toMatch(/history\.jsonl:2: date/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
