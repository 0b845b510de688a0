import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { parquetWriteFile } from "hyparquet-writer";
import { beforeAll, describe, expect, it } from "vitest";
import { CtrainConfig } from "@ctrain/core";
import { validateDatasets } from "@ctrain/data";
import { workspace } from "../checks/support.js";
import { tempDir } from "../../support/temp-dir.js";

/** A bundled entry script whose only job is to serve profile threads, as the action's bundle does first thing. */
let entry: string;
/** Entries whose worker of share 2 fails at its third batch: it throws, its thread exits, or it outgrows its heap. */
const faultyEntries: Record<"throws" | "exits" | "outgrows", string> = { throws: "", exits: "", outgrows: "" };
/** Entries whose threads that settle spilled keys leave a file in `settleMarks` once they replied, or fail at once. */
const settleEntries: Record<"marks" | "throws", string> = { marks: "", throws: "" };
let settleMarks: string;
beforeAll(async () => {
  const dir = tempDir("ctrain-profile-thread-");
  const dataPackage = JSON.stringify(fileURLToPath(new URL("../../../packages/data/src/index.ts", import.meta.url)));
  const bundle = async (name: string, source: string): Promise<string> => {
    writeFileSync(join(dir, `${name}.ts`), source);
    const outfile = join(dir, `${name}.mjs`);
    await build({
      entryPoints: [join(dir, `${name}.ts`)],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      logLevel: "warning",
      banner: {
        js: "import { createRequire as __ctrainCreateRequire } from 'node:module'; const require = __ctrainCreateRequire(import.meta.url);",
      },
    });
    return outfile;
  };
  entry = await bundle(
    "entry",
    `import { serveValidationThread } from ${dataPackage};\nawait serveValidationThread();\n`,
  );
  settleMarks = tempDir("ctrain-settle-marks-");
  for (const behaviour of ["marks", "throws"] as const) {
    settleEntries[behaviour] = await bundle(
      `entry-settle-${behaviour}`,
      `import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parentPort, threadId, workerData } from "node:worker_threads";
import { serveValidationThread } from ${dataPackage};
if (workerData?.role === "ctrain-settle") {
  if (${JSON.stringify(behaviour)} === "throws") throw new Error("injected settle thread fault");
  // The mark is left as the thread replies: its keys were not settled again on the calling thread.
  const reply = parentPort.postMessage.bind(parentPort);
  parentPort.postMessage = (message) => {
    writeFileSync(join(${JSON.stringify(settleMarks)}, String(threadId)), "");
    reply(message);
  };
}
await serveValidationThread();
`,
    );
  }
  for (const fault of ["throws", "exits", "outgrows"] as const) {
    faultyEntries[fault] = await bundle(
      `entry-${fault}`,
      `import { workerData } from "node:worker_threads";
import { DatasetProfiler, serveValidationThread } from ${dataPackage};
if (workerData?.share === 2) {
  const addBatch = DatasetProfiler.prototype.addBatch;
  let batches = 0;
  DatasetProfiler.prototype.addBatch = function (...args) {
    if (++batches === 3) {
      if (${JSON.stringify(fault)} === "exits") process.exit(3);
      if (${JSON.stringify(fault)} === "outgrows") for (const hog = []; ; ) hog.push(new Array(100_000).fill(batches));
      throw new Error("injected fault");
    }
    return addBatch.apply(this, args);
  };
}
await serveValidationThread();
`,
    );
  }
});

describe("profiling on a second thread", () => {
  it("gives the profile and results one thread gives, reading CSV once and handing batches over", async () => {
    // 60,000 rows in two files: dozens of batches, more than the reading thread may hand over unchecked.
    const rows = Array.from(
      { length: 60_000 },
      (_, i) =>
        `${i},${(i * 7919) % 1000},${i % 3 ? "a" : "b"},${i % 11 ? "" : "x"},${i % 7 === 0 ? '"q ""z"""' : "é"}`,
    );
    const header = "id,n,s,sparse,quoted";
    const dir = workspace({
      "data/1.csv": `${header}\n${rows.slice(0, 30_000).join("\n")}\n`,
      "data/2.csv": `${header}\n${rows.slice(29_990).join("\n")}\n`,
    });
    const config = CtrainConfig.parse({
      data: { datasets: { d: { path: "data/*.csv", key: "id", columns: { n: { max: 900 }, s: { regex: "^a$" } } } } },
    });
    const threaded = await validateDatasets(config, { cwd: dir, profileThread: { entry, minBytes: 0 } });
    const single = await validateDatasets(config, { cwd: dir });
    expect(threaded.errors).toEqual([]);
    const { createdAt: _a, ...threadedProfile } = threaded.profiles[0]!;
    const { createdAt: _b, ...singleProfile } = single.profiles[0]!;
    expect(threadedProfile).toEqual(singleProfile);
    expect(threaded.validation.datasets[0]!.results).toEqual(single.validation.datasets[0]!.results);
  });

  it("hands over gzip-compressed TSV batches like any CSV", async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i}\t${i % 17}\tt${i % 4}`);
    const dir = workspace({ "data.tsv.gz": gzipSync(`id\tn\ts\n${rows.join("\n")}\n`) });
    const config = CtrainConfig.parse({
      data: { datasets: { d: { path: "data.tsv.gz", key: "id", columns: { n: { max: 15 } } } } },
    });
    const threaded = await validateDatasets(config, { cwd: dir, profileThread: { entry, minBytes: 0 } });
    const single = await validateDatasets(config, { cwd: dir });
    expect(threaded.errors).toEqual([]);
    expect(threaded.profiles[0]!.columns).toEqual(single.profiles[0]!.columns);
    expect(threaded.validation.datasets[0]!.results).toEqual(single.validation.datasets[0]!.results);
    expect(threaded.profiles[0]!.rows).toBe(20_000);
  });

  it("joins the two threads' column shares in first-seen order when files differ in their columns", async () => {
    const first = Array.from({ length: 4000 }, (_, i) => `${i},${i % 13},c${i % 5}`);
    const second = Array.from({ length: 4000 }, (_, i) => `${i % 9},${4000 + i},x${i % 3},${i / 7}`);
    const dir = workspace({
      "parts/a.csv": `id,n,s\n${first.join("\n")}\n`,
      "parts/b.csv": `late,id,s,n\n${second.join("\n")}\n`,
    });
    const config = CtrainConfig.parse({ data: { datasets: { d: { path: "parts/*.csv" } } } });
    const threaded = await validateDatasets(config, { cwd: dir, profileThread: { entry, minBytes: 0 } });
    const single = await validateDatasets(config, { cwd: dir });
    const { createdAt: _a, ...threadedProfile } = threaded.profiles[0]!;
    const { createdAt: _b, ...singleProfile } = single.profiles[0]!;
    expect(Object.keys(threadedProfile.columns)).toEqual(["id", "n", "s", "late"]);
    expect(threadedProfile).toEqual(singleProfile);
  });

  it.each([2, 4])("profiles on this thread after all when %i threads outgrow their heap bound", async (threads) => {
    const dir = workspace({
      "data.csv": `a,b,c\n${Array.from({ length: 500 }, (_, i) => `${i},x${i % 7},${i * 3}`).join("\n")}\n`,
    });
    const config = CtrainConfig.parse({ data: { threads, datasets: { d: { path: "data.csv" } } } });
    const starved = await validateDatasets(config, { cwd: dir, profileThread: { entry, minBytes: 0, heapLimitMb: 1 } });
    const single = await validateDatasets(config, { cwd: dir });
    expect(starved.errors).toEqual([]);
    expect(starved.profiles[0]!.fingerprint).toBe(single.profiles[0]!.fingerprint);
    expect(starved.profiles[0]!.columns).toEqual(single.profiles[0]!.columns);
  });

  it.each([2, 4])(
    "stops %i threads at bad input and reports its error, with results for the rows before",
    async (threads) => {
      const rows = Array.from({ length: 20_000 }, (_, i) => `${i},${i % 10},${i % 3}`);
      const dir = workspace({ "data.csv": `id,n,m\n${rows.join("\n")}\n1,2\n` });
      const columns = { n: { max: 8 }, m: { max: 1 }, id: { max: 5 } };
      const config = CtrainConfig.parse({ data: { threads, datasets: { d: { path: "data.csv", columns } } } });
      const outcome = await validateDatasets(config, { cwd: dir, profileThread: { entry, minBytes: 0 } });
      expect(outcome.errors.map((error) => error.location)).toEqual(["data.csv:20002"]);
      expect(outcome.profiles).toEqual([]);
      const dataset = outcome.validation.datasets[0]!;
      expect(dataset.rows).toBeGreaterThan(0);
      // Every thread checked the same rows, whichever thread took which column.
      const unexpected = (column: string) =>
        dataset.results.find(
          (result) => result.check === "expect_column_values_to_be_between" && result.column === column,
        )!.result.unexpected_count;
      expect(unexpected("n")).toBe(Math.floor(dataset.rows / 10));
      expect(unexpected("m")).toBe(Array.from({ length: dataset.rows }, (_, i) => i % 3 === 2).filter(Boolean).length);
      expect(unexpected("id")).toBe(dataset.rows - 6);
    },
  );

  it.each([
    ["throws", /injected fault/],
    ["exits", /profile thread stopped \(exit code 3\) early/],
  ] as const)("reports a worker that %s mid-file while the reading worker waits for it", async (fault, message) => {
    // 200,000 rows: dozens of batches, more than the reading worker may hand over before the failed worker took them.
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i % 10},${i % 3},x${i % 7}`);
    const dir = workspace({ "data.csv": `id,n,m,s\n${rows.join("\n")}\n` });
    const config = CtrainConfig.parse({ data: { threads: 3, datasets: { d: { path: "data.csv" } } } });
    const started = performance.now();
    await expect(
      validateDatasets(config, { cwd: dir, profileThread: { entry: faultyEntries[fault], minBytes: 0 } }),
    ).rejects.toThrow(message);
    // Not a hang: the reading worker stops waiting once the other failed (it checks every second at most).
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it("validates on one thread after all when a worker taking handed-over batches outgrows its heap", async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i % 10},${i % 3},x${i % 7}`);
    const dir = workspace({ "data.csv": `id,n,m,s\n${rows.join("\n")}\n` });
    const config = CtrainConfig.parse({ data: { threads: 3, datasets: { d: { path: "data.csv", key: "id" } } } });
    const lines: string[] = [];
    const log = { info: (text: string) => lines.push(text), startGroup: () => {}, endGroup: () => {} };
    const profileThread = { entry: faultyEntries.outgrows, minBytes: 0, heapLimitMb: 32 };
    const recovered = await validateDatasets(config, { cwd: dir, profileThread, log });
    const single = await validateDatasets(config, { cwd: dir });
    expect(recovered.errors).toEqual([]);
    expect(lines.join("\n")).toMatch(/outgrew its memory bound; reading again on one thread/);
    expect(recovered.profiles[0]!.columns).toEqual(single.profiles[0]!.columns);
    expect(recovered.validation.datasets[0]!.results).toEqual(single.validation.datasets[0]!.results);
  });

  it("saves a shard's partitions of a unique column that appears in a later file, on 1 and 3 threads alike", async () => {
    // Until `u` appears every thread holds its check; only the thread that checks it then may write its partitions.
    const dir = workspace({
      "d/1.csv": `id,n\n${Array.from({ length: 30_000 }, (_, i) => `${i},${i % 50}`).join("\n")}\n`,
      "d/2.csv": `id,u\n${Array.from({ length: 30_000 }, (_, i) => `${i + 30_000},${i % 29_990}`).join("\n")}\n`,
    });
    const datasets = { d: { path: "d/*.csv", columns: { u: { unique: true } }, "unexpected-columns": "ignore" } };
    const run = async (threads: number) => {
      const config = CtrainConfig.parse({ data: { threads, datasets } });
      const keysDir = join(dir, `keys-${threads}`);
      const shard = { index: 1, count: 1, keysDir };
      const outcome = await validateDatasets(config, { cwd: dir, profileThread: { entry, minBytes: 0 }, shard });
      expect(outcome.errors).toEqual([]);
      const [check] = readdirSync(join(keysDir, "d")).filter((name) => name.startsWith("unique-"));
      const saved = join(keysDir, "d", check!);
      const files = readdirSync(saved).sort();
      return {
        results: outcome.validation.datasets[0]!.results,
        files,
        contents: files.map((file) => readFileSync(join(saved, file)).toString("base64")),
      };
    };
    const single = await run(1);
    expect(
      single.results.find((result) => result.column === "u" && result.check.includes("unique"))!.result
        .unexpected_count,
    ).toBe(10);
    expect(await run(3)).toEqual(single);
  });

  it("profiles JSON Lines on the second thread while this thread reads them again", async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ id: i, s: i % 4 ? "a" : null }));
    const dir = workspace({ "data.jsonl": `${lines.join("\n")}\n` });
    const config = CtrainConfig.parse({ data: { datasets: { d: { path: "data.jsonl", key: "id" } } } });
    const threaded = await validateDatasets(config, { cwd: dir, profileThread: { entry, minBytes: 0 } });
    const single = await validateDatasets(config, { cwd: dir });
    expect(threaded.profiles[0]!.columns).toEqual(single.profiles[0]!.columns);
    expect(threaded.validation.datasets[0]!.results).toEqual(single.validation.datasets[0]!.results);
  });

  it("gives, on 1 to 5 threads, the same validation and profile documents, field by field", async () => {
    // Quoted line breaks, CRLF, doubled quotes, nulls, a repeated key and out-of-range values: line numbers and first
    // failing rows must not depend on which thread read what.
    const rows = Array.from({ length: 12_000 }, (_, i) => {
      const note = i % 9 === 0 ? `"line one\r\nline ""two"""` : i % 5 === 0 ? "" : `n${i % 37}`;
      return `${i % 4000 === 3999 ? 7 : i},${(i * 7919) % 1000},${i % 3 ? "a" : "b"},${note},${i % 13 ? (i / 7).toFixed(3) : "NA"},l${i % 2}`;
    });
    const header = "id,n,s,note,x,label";
    const dir = workspace({
      "data/1.csv": `${header}\r\n${rows.slice(0, 7000).join("\r\n")}\r\n`,
      "data/2.csv": `${header}\n${rows.slice(7000).join("\n")}\n`,
      "data.jsonl": `${rows.map((row, i) => JSON.stringify({ id: i, n: row.length, s: i % 3 ? "a" : null })).join("\n")}\n`,
      // Columns that come and go between files: the split deals `late` out when it first appears, and its checks
      // count the nulls of the file before.
      "mixed/1.csv": `id,n\n${rows
        .slice(0, 3000)
        .map((_, i) => `${i},${i % 50}`)
        .join("\n")}\n`,
      "mixed/2.csv": `id,late,word\n${rows
        .slice(0, 3000)
        .map((_, i) => `${i + 3000},${i % 7 ? i - 5 : ""},w${i % 3000}`)
        .join("\n")}\n`,
    });
    // Parquet in row groups of 1,000: every thread reads it, each profiling and checking its share.
    parquetWriteFile({
      filename: join(dir, "data.parquet"),
      rowGroupSize: 1000,
      columnData: [
        { name: "id", data: Int32Array.from({ length: 8000 }, (_, i) => (i % 3000 === 2999 ? 5 : i)), type: "INT32" },
        { name: "v", data: Float64Array.from({ length: 8000 }, (_, i) => (i % 11) / 3), type: "DOUBLE" },
        { name: "tag", data: Array.from({ length: 8000 }, (_, i) => (i % 17 ? `t${i % 40}` : null)), type: "STRING" },
      ],
    });
    const datasets = {
      parquet: { path: "data.parquet", key: "id", columns: { v: { max: 3 }, tag: { "max-length": 2 } } },
      csv: {
        path: "data/*.csv",
        key: "id",
        label: "label",
        columns: { n: { max: 900 }, s: { regex: "^a$" }, note: { "max-length": 6 }, x: { type: "float" } },
      },
      jsonl: { path: "data.jsonl", key: "id", columns: { n: { max: 40 } } },
      mixed: {
        path: "mixed/*.csv",
        key: "id",
        columns: { late: { min: 0, "max-null-share": 0.2 }, word: { "max-length": 4, required: false } },
        "unexpected-columns": "ignore",
      },
    };
    const run = async (threads: number) => {
      const config = CtrainConfig.parse({ data: { threads, datasets } });
      const outcome = await validateDatasets(config, {
        cwd: dir,
        profileThread: { entry, minBytes: 0 },
        now: () => new Date(0),
      });
      expect(outcome.errors).toEqual([]);
      return outcome;
    };
    const single = await run(1);
    expect(single.validation.datasets.map((dataset) => dataset.success)).toEqual([false, false, false, false]);
    for (const threads of [2, 3, 5]) {
      const threaded = await run(threads);
      expect(threaded.validation).toEqual(single.validation);
      expect(threaded.profiles).toEqual(single.profiles);
      // The documents as written: key order (the columns' order) too.
      expect(JSON.stringify([threaded.validation, threaded.profiles])).toBe(
        JSON.stringify([single.validation, single.profiles]),
      );
    }
  });

  it("settles spilled keys on the threads the dataset was read on, with the documents one thread gives", async () => {
    // 250,000 rows: every repeat check spills past its 196,608 keys in memory (the ids are not plain integers, which
    // the key would keep as a range). Rows 120,000 on repeat the features of the first 120,000 with the other label
    // (conflicts); rows 240,000 on repeat the first rows whole (duplicates and repeated keys), many more than the 20
    // examples a check shows.
    const rows = Array.from({ length: 250_000 }, (_, i) => {
      const block = Math.floor(i / 120_000);
      return `k${i % 240_000},${i % 120_000},${(i % 120_000) % 7},l${(i + (block === 1 ? 1 : 0)) % 2}`;
    });
    const dir = workspace({
      "data.csv": `id,a,b,label
${rows.join("\n")}\n`,
    });
    const spills = tempDir("ctrain-settle-spills-");
    const config = (threads: number) =>
      CtrainConfig.parse({
        data: { threads, datasets: { d: { path: "data.csv", key: "id", label: "label", "duplicate-rows": "error" } } },
      });
    const run = async (threads: number, threadEntry: string) => {
      const outcome = await validateDatasets(config(threads), {
        cwd: dir,
        tempDir: spills,
        profileThread: { entry: threadEntry, minBytes: 0, settleStartKeys: 0 },
        now: () => new Date(0),
      });
      expect(outcome.errors).toEqual([]);
      expect(readdirSync(spills)).toEqual([]);
      return JSON.stringify([outcome.validation, outcome.profiles]);
    };
    const single = await run(1, entry);
    const counts = Object.fromEntries(
      JSON.parse(single)[0].datasets[0].results.map(
        (result: { check: string; result: { unexpected_count?: number } }) => [
          result.check,
          result.result.unexpected_count,
        ],
      ),
    );
    expect(counts).toMatchObject({
      expect_column_values_to_be_unique: 10_000,
      expect_table_rows_to_be_unique: 10_000,
      expect_identical_features_to_have_one_label: 120_000,
    });
    for (const threads of [2, 3]) {
      expect(await run(threads, settleEntries.marks)).toBe(single);
      expect(readdirSync(settleMarks)).toHaveLength(threads - 1);
      rmSync(settleMarks, { recursive: true });
      mkdirSync(settleMarks);
    }
    // A settle thread that fails leaves its keys to this thread.
    expect(await run(2, settleEntries.throws)).toBe(single);
  });
});
