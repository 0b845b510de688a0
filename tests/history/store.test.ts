import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  HISTORY_RECORDS_MAX,
  HISTORY_RECORD_MAX_BYTES,
  HISTORY_PARAMS_MAX,
  LocalHistoryStore,
  appendAndRender,
  checkedRecord,
  historyExclusionReason,
  mergeHistory,
  parseHistory,
  serializeHistory,
  summarizeRun,
  type HistoryRecord,
} from "@ctrain/history";
import { historyRecords, runDocuments, writeRunBundle } from "./support/runs.js";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "ctrain-history-store-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const ids = (records: HistoryRecord[]): string[] => records.map((record) => record.id);

describe("mergeHistory", () => {
  it("keeps one record per run id (the later one), ordered by date", () => {
    const [a, b, c] = historyRecords(3);
    const merged = mergeHistory([c!, a!], [b!, { ...a!, release: "v2" }]);
    expect(ids(merged)).toEqual([a!.id, b!.id, c!.id]);
    expect(merged[0]!.release).toBe("v2");
  });

  it(`keeps only the newest ${HISTORY_RECORDS_MAX} records`, () => {
    const [template] = historyRecords(1);
    const many = Array.from({ length: HISTORY_RECORDS_MAX + 5 }, (_, index) => ({
      ...template!,
      id: `run-${index + 1}`,
      date: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
    }));
    const merged = mergeHistory([], many);
    expect(merged).toHaveLength(HISTORY_RECORDS_MAX);
    expect(merged[0]!.id).toBe("run-6");
    expect(merged.at(-1)!.id).toBe(`run-${HISTORY_RECORDS_MAX + 5}`);
  });
});

describe("parseHistory", () => {
  it("reads back what serializeHistory wrote", () => {
    const records = historyRecords(5);
    expect(parseHistory(serializeHistory(records), "history.jsonl")).toEqual({ records, refused: [] });
  });

  it("refuses hostile or damaged lines, naming each, and keeps the others", () => {
    const [record] = historyRecords(1);
    const good = JSON.stringify(record);
    const lines = [
      good,
      good.replace('"id":', '"id":"dup","id":'),
      JSON.stringify({ ...record, id: "extra", injected: "<script>" }),
      JSON.stringify({ ...record, id: "repo", repository: "evil.example/x/y" }),
      JSON.stringify({ ...record, id: "size", model: { bytes: -1, files: 1 } }),
      JSON.stringify({ ...record, id: "long", params: { text: "x".repeat(HISTORY_RECORD_MAX_BYTES) } }),
      JSON.stringify({
        ...record,
        id: "many",
        params: Object.fromEntries(Array.from({ length: HISTORY_PARAMS_MAX + 1 }, (_, i) => [`p${i}`, i])),
      }),
      '{"constructor":{"prototype":{"polluted":true}}}',
      "[".repeat(500),
    ];
    const { records, refused } = parseHistory(lines.join("\n"), "history.jsonl");
    expect(ids(records)).toEqual([record!.id]);
    expect(refused).toHaveLength(lines.length - 1);
    expect(refused[0]).toMatch(/^history\.jsonl:2/);
    expect(refused.join("\n")).toMatch(/history\.jsonl:6: longer than/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a record too long to store before it is written", () => {
    const [record] = historyRecords(1);
    const params = Object.fromEntries(
      Array.from({ length: HISTORY_PARAMS_MAX }, (_, i) => [`param_${i}`, "v".repeat(199)]),
    );
    const metrics = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [`${"m".repeat(190)}_${i}`, { value: 0.123456789, delta: 0.0123456789 }]),
    );
    expect(() => checkedRecord({ ...record!, params, metrics })).toThrow(/longer than/);
  });
});

describe("summarizeRun", () => {
  it("keeps the comparison's interval, drifted columns first, model size and model-test figures", () => {
    const record = summarizeRun(runDocuments(9), { release: "v1.9.0" });
    expect(record.id).toBe("run-9000009");
    expect(record.metrics.accuracy).toMatchObject({ verdict: "unchanged", confidence: 0.95 });
    expect(record.metrics.accuracy!.high! - record.metrics.accuracy!.low!).toBeCloseTo(0.02);
    expect(record.metrics.roc_auc).toEqual({ value: runDocuments(9).run.metrics.roc_auc });
    expect(summarizeRun(runDocuments(8)).drift[0]).toMatchObject({ column: "income", drifted: true });
    expect(record.model).toEqual({ bytes: 1_000_000 + 9 * 1024, files: 1 });
    expect(record.modelTest).toEqual({ "latency.p50": 4, "latency.p95": 9, coldStartSeconds: 1.5 });
    expect(summarizeRun(runDocuments(10)).modelTest).toBeUndefined();
    expect(record.release).toBe("v1.9.0");
  });

  it("counts what the caps leave out and drops a repository name links cannot be built from", () => {
    const documents = runDocuments(1);
    documents.run.params = Object.fromEntries(Array.from({ length: HISTORY_PARAMS_MAX + 7 }, (_, i) => [`p${i}`, i]));
    documents.run.source.repository = "https://evil.example/x";
    const record = summarizeRun(documents);
    expect(Object.keys(record.params)).toHaveLength(HISTORY_PARAMS_MAX);
    expect(record.omitted).toEqual({ params: 7 });
    expect(record.repository).toBeUndefined();
  });

  it("admits only succeeded runs of the branch from push, schedule or dispatch", () => {
    const run = runDocuments(0).run;
    expect(historyExclusionReason(run, "main")).toBeUndefined();
    expect(historyExclusionReason({ ...run, status: "failed" }, "main")).toMatch(/training failed/);
    expect(historyExclusionReason(run, "master")).toMatch(/"main", not master/);
    expect(historyExclusionReason({ ...run, source: { ...run.source, event: "pull_request" } }, "main")).toMatch(
      /pull_request/,
    );
    expect(historyExclusionReason({ ...run, source: { ...run.source, pullRequest: 4 } }, "main")).toMatch(/#4/);
  });
});

describe("LocalHistoryStore", () => {
  it("appends concurrently without losing a record", async () => {
    const path = join(root, ".ctrain-store", "history.jsonl");
    const records = historyRecords(12);
    await Promise.all(records.map((record) => new LocalHistoryStore(path).append([record])));
    expect(ids((await new LocalHistoryStore(path).read()).records)).toEqual(ids(records));
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it("takes over a lock left behind by a crashed writer", async () => {
    const path = join(root, "history.jsonl");
    mkdirSync(`${path}.lock`);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(`${path}.lock`, old, old);
    await new LocalHistoryStore(path).append(historyRecords(1));
    expect((await new LocalHistoryStore(path).read()).records).toHaveLength(1);
  });
});

describe("appendAndRender", () => {
  it("records a main run and renders the site; leaves a pull request's run out and says why", async () => {
    const store = new LocalHistoryStore(join(root, "history.jsonl"));
    const outDir = join(root, "site");
    const lines: string[] = [];
    const added = await appendAndRender({
      store,
      bundleDir: writeRunBundle(join(root, "main-run"), 0),
      outDir,
      branch: "main",
      log: (line) => lines.push(line),
    });
    expect(added).toMatchObject({ runs: 1, refused: [], appended: { id: "run-9000000" } });
    expect(readFileSync(added.sitePath, "utf8")).toContain("runs shown");

    const prBundle = writeRunBundle(join(root, "pr-run"), 1);
    const run = JSON.parse(readFileSync(join(prBundle, "run.json"), "utf8"));
    run.source = { ...run.source, event: "pull_request", branch: "feature" };
    writeFileSync(join(prBundle, "run.json"), JSON.stringify(run));
    const skipped = await appendAndRender({
      store,
      bundleDir: prBundle,
      outDir,
      branch: "main",
      log: (line) => lines.push(line),
    });
    expect(skipped.appended).toBeUndefined();
    expect(skipped.skipped).toMatch(/"feature", not main/);
    expect(skipped.runs).toBe(1);
    expect(lines.join("\n")).toMatch(/left out of the history of main/);
  });
});
