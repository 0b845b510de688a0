import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Bundle, CtrainConfig, type BaselineSource, type CheckResult } from "@ctrain/core";
import { mergeProfileDocuments, mergeShardProfiles, runValidateStep, validateDatasets } from "@ctrain/data";
import { tempDir } from "../../support/temp-dir.js";

const silent = { info: () => undefined, startGroup: () => undefined, endGroup: () => undefined };
const noBaselines: BaselineSource = {
  resolve: () => Promise.reject(new Error("baseline: none asks for no baseline")),
  history: () => Promise.resolve([]),
};

/** One CSV file: quoted line breaks and quotes, CRLF, nulls, repeated keys, rows and values, failing cells. */
function writeData(dir: string, rows: number): void {
  const lines = Array.from({ length: rows }, (_, i) => {
    const note = i % 9 === 0 ? `"two\r\nlines, ""quoted"""` : i % 5 === 0 ? "" : `n${i % 37}`;
    return `${i % 700 === 699 ? 7 : i},${(i * 7919) % 1000},${note},u${i % 997},l${i % 2}`;
  });
  // Every 450th row repeats the row 300 before it, whole.
  for (let i = 449; i < rows; i += 450) lines[i] = lines[i - 300]!;
  writeFileSync(join(dir, "data.csv"), `id,n,note,u,label\r\n${lines.join("\r\n")}\r\n`);
}

const CONFIG = CtrainConfig.parse({
  compare: { baseline: "none" },
  data: {
    datasets: {
      train: {
        path: "data.csv",
        key: ["id"],
        label: "label",
        "duplicate-rows": "error",
        columns: { n: { max: 900 }, note: { "max-length": 3 }, u: { unique: true } },
      },
    },
  },
});

async function validateShards(dir: string, count: number): Promise<string[]> {
  const logged: string[] = [];
  for (let index = 1; index <= count; index++) {
    await runValidateStep({
      config: CONFIG,
      bundleDir: join(dir, "shards", String(index)),
      baselines: noBaselines,
      cwd: dir,
      log: { ...silent, info: (line) => logged.push(line) },
      shard: `${index}/${count}`,
      seed: index,
    });
  }
  return logged;
}

/** What a shard merge keeps exact from the one-process run: counts and the first examples with their lines. */
function exactPart(result: CheckResult) {
  const { element_count, unexpected_count, partial_unexpected_list } = result.result;
  return [result.check, result.column, result.success, element_count, unexpected_count, partial_unexpected_list];
}

describe("a file cut into byte-range shards", () => {
  it("merges into the one-process validation: repeats field by field, other checks by counts and examples", async () => {
    const dir = tempDir("ctrain-range-shards-");
    writeData(dir, 3000);
    const single = await validateDatasets(CONFIG, { cwd: dir });
    const logged = await validateShards(dir, 3);
    expect(logged.filter((line) => line.startsWith("train: shard "))).toEqual([
      expect.stringMatching(/^train: shard 1\/3: data\.csv bytes 0-\d+ \(from line 1\)$/),
      expect.stringMatching(/^train: shard 2\/3: data\.csv bytes \d+-\d+ \(from line \d+\)$/),
      expect.stringMatching(/^train: shard 3\/3: data\.csv bytes \d+-\d+ \(from line \d+\)$/),
    ]);
    const shardFiles = [1, 2, 3].map((i) => new Bundle(join(dir, "shards", String(i))).readProfile("train").files);
    expect(shardFiles.map((files) => files.map((file) => file.range !== undefined))).toEqual([[true], [true], [true]]);

    const merged = await mergeShardProfiles(CONFIG, ["shards/*"], { cwd: dir, log: silent });
    expect(merged.errors).toEqual([]);
    const [one] = single.validation.datasets;
    const [all] = merged.validation.datasets;
    expect(all!.files).toEqual(one!.files);
    expect(all!.fingerprint).toBe(one!.fingerprint);
    expect(all!.rows).toBe(3000);
    expect(merged.profiles[0]!.fingerprint).toBe(single.profiles[0]!.fingerprint);
    const repeats = (results: readonly CheckResult[]) =>
      results.filter((r) => r.check !== "expect_identical_features_to_have_one_label" && r.check.endsWith("_unique"));
    expect(repeats(all!.results)).toEqual(repeats(one!.results));
    expect(repeats(one!.results).map((r) => r.success)).toEqual([false, false, false]);
    const cells = (results: readonly CheckResult[]) =>
      results.filter((r) => r.column === "n" || r.column === "note").map(exactPart);
    expect(cells(all!.results)).toEqual(cells(one!.results));
    expect(cells(one!.results).filter((part) => part[4] !== 0).length).toBe(2);
  });

  it("reads the examples of repeats across shards from the data, and shows no value when the data is not there", async () => {
    const dir = tempDir("ctrain-range-shards-");
    writeData(dir, 3000);
    await validateShards(dir, 3);
    const key = (outcome: { validation: { datasets: { results: CheckResult[] }[] } }) =>
      outcome.validation.datasets[0]!.results.find((r) => r.check.endsWith("_unique") && r.column === "id")!;
    const single = await validateDatasets(CONFIG, { cwd: dir });
    const present = await mergeShardProfiles(CONFIG, ["shards/*"], { cwd: dir, log: silent });
    expect(key(present)).toEqual(key(single));
    // The shards' own repeats keep the values their manifests hold; repeats of an earlier shard's key need the data.
    const own = new Set(
      ["1", "2", "3"].flatMap((shard) => {
        const path = join(dir, "shards", shard, "keys", "train", "key", "manifest.json");
        return (JSON.parse(readFileSync(path, "utf8")) as { examples: { line: number }[] }).examples.map((e) => e.line);
      }),
    );
    const lines = key(present).result.partial_unexpected_list.map((example) => example.line!);
    expect(lines.some((line) => own.has(line))).toBe(true);
    expect(lines.some((line) => !own.has(line))).toBe(true);
    const expected = key(present).result.partial_unexpected_list.map((example) =>
      own.has(example.line!) ? example.value : null,
    );
    const mergeLogging = async () => {
      const logged: string[] = [];
      const outcome = await mergeShardProfiles(CONFIG, ["shards/*"], {
        cwd: dir,
        log: { ...silent, info: (line) => logged.push(line) },
      });
      expect(key(outcome).result.partial_unexpected_list.map((example) => example.value)).toEqual(expected);
      expect(key(outcome).result.unexpected_count).toBe(key(present).result.unexpected_count);
      return logged;
    };
    // Data that changed since the shards read it is not read: other contents of the same size, then another size.
    const original = readFileSync(join(dir, "data.csv"), "utf8");
    for (const changed of [original.replace("u1,", "u9,"), `${original}9999,1,x,u1,l0\r\n`]) {
      writeFileSync(join(dir, "data.csv"), changed);
      expect(await mergeLogging()).toContain(
        "train: data.csv differs from the file the shards read, so examples of repeats across shards in it show no value",
      );
    }
    rmSync(join(dir, "data.csv"));
    expect(await mergeLogging()).toContain(
      "train: data.csv is not one of the dataset's files here, so examples of repeats across shards in it show no value",
    );
  });

  it("reads no file a shard's manifest names but the dataset's own", async () => {
    const dir = tempDir("ctrain-range-shards-");
    writeData(dir, 3000);
    await validateShards(dir, 3);
    // A hostile shard names another file of the workspace: its rows must not reach the examples.
    const data = readFileSync(join(dir, "data.csv"), "utf8").split("\r\n");
    writeFileSync(join(dir, "secret.csv"), [data[0], ...data.slice(1).map((line) => `secret-${line}`)].join("\r\n"));
    for (const shard of ["2", "3"]) {
      const path = join(dir, "shards", shard, "keys", "train", "key", "manifest.json");
      const manifest = JSON.parse(readFileSync(path, "utf8")) as { files: string[] };
      writeFileSync(path, JSON.stringify({ ...manifest, files: ["secret.csv"] }));
    }
    const logged: string[] = [];
    const merged = await mergeShardProfiles(CONFIG, ["shards/*"], {
      cwd: dir,
      log: { ...silent, info: (line) => logged.push(line) },
    });
    // The manifest names the file (a hostile shard writes what it likes there), but no value is read from it.
    const values = merged.validation.datasets[0]!.results.flatMap((r) => r.result.partial_unexpected_list);
    expect(values.filter((example) => String(example.value).includes("secret"))).toEqual([]);
    expect(values.some((example) => example.file === "secret.csv" && example.value === null)).toBe(true);
    expect(logged).toContain(
      "train: secret.csv is not one of the dataset's files here, so examples of repeats across shards in it show no value",
    );
  });

  it("refuses a merge with a shard missing, or with ranges that overlap", async () => {
    const dir = tempDir("ctrain-range-shards-");
    writeData(dir, 1000);
    await validateShards(dir, 3);
    const missing = await mergeShardProfiles(CONFIG, ["shards/1", "shards/3"], { cwd: dir, log: silent });
    expect(missing.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(
        /^the shards' byte ranges of data\.csv \(0-\d+, \d+-\d+\) do not cover its \d+ bytes exactly once$/,
      ),
    ]);
    // A shard's bundle copied under another folder: its range would count twice (no key partitions to catch it).
    const copy = join(dir, "shards", "4", "profile");
    mkdirSync(copy, { recursive: true });
    copyFileSync(join(dir, "shards", "3", "profile", "train.json"), join(copy, "train.json"));
    const twice = () =>
      mergeProfileDocuments(
        ["1", "2", "3", "4"].map((shard) => ({
          document: new Bundle(join(dir, "shards", shard)).readProfile("train"),
          location: `shards/${shard}`,
        })),
      );
    expect(twice).toThrow(/do not cover its \d+ bytes exactly once/);
    rmSync(join(dir, "shards", "4"), { recursive: true });
    const path = join(dir, "shards", "3", "profile", "train.json");
    const profile = JSON.parse(readFileSync(path, "utf8")) as { files: { range: { start: number } }[] };
    profile.files[0]!.range.start -= 1;
    writeFileSync(path, JSON.stringify(profile));
    const overlapping = await mergeShardProfiles(CONFIG, ["shards/*"], { cwd: dir, log: silent });
    expect(overlapping.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/^the shards' byte ranges of data\.csv \(.*\) do not cover its \d+ bytes exactly once$/),
    ]);
  });

  it("refuses shards that read different contents of the file", async () => {
    const dir = tempDir("ctrain-range-shards-");
    writeData(dir, 1000);
    await validateShards(dir, 2);
    const path = join(dir, "shards", "2", "profile", "train.json");
    const profile = JSON.parse(readFileSync(path, "utf8")) as { files: { sha256: string }[] };
    profile.files[0]!.sha256 = "0".repeat(64);
    writeFileSync(path, JSON.stringify(profile));
    const merged = await mergeShardProfiles(CONFIG, ["shards/*"], { cwd: dir, log: silent });
    expect(merged.errors.map((error) => error.message)).toEqual([
      "data.csv differs between the shards that read parts of it (" +
        `${join(dir, "shards", "1")}/profile/train.json, ${join(dir, "shards", "2")}/profile/train.json)`,
    ]);
  });

  it("cuts a dataset whose first file is gzip (not cut) and refuses shares of blank lines alone", async () => {
    const dir = tempDir("ctrain-range-shards-");
    const rows = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => `${from + i},${i % 900},n,u${from + i},l${i % 2}`);
    writeFileSync(join(dir, "a.csv.gz"), gzipSync(`id,n,note,u,label\n${rows(0, 300).join("\n")}\n`));
    writeFileSync(join(dir, "b.csv"), `id,n,note,u,label\n${rows(300, 2000).join("\n")}\n`);
    const config = CtrainConfig.parse({
      compare: { baseline: "none" },
      data: { datasets: { train: { path: "*.csv*", key: ["id"], columns: { u: { unique: true } } } } },
    });
    for (const index of [1, 2, 3]) {
      const outcome = await runValidateStep({
        config,
        bundleDir: join(dir, "shards", String(index)),
        baselines: noBaselines,
        cwd: dir,
        log: silent,
        shard: `${index}/3`,
      });
      expect(outcome.errors).toEqual([]);
    }
    const merged = await mergeShardProfiles(config, ["shards/*"], { cwd: dir, log: silent });
    const single = await validateDatasets(config, { cwd: dir });
    expect(merged.errors).toEqual([]);
    expect(merged.validation.datasets[0]!.files).toEqual(single.validation.datasets[0]!.files);
    expect(merged.validation.datasets[0]!.rows).toBe(2300);

    const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify({ id: i }));
    writeFileSync(join(dir, "blank.jsonl"), `${lines.join("\n")}\n${"\n".repeat(2000)}`);
    const jsonl = CtrainConfig.parse({
      compare: { baseline: "none" },
      data: { datasets: { train: { path: "blank.jsonl" } } },
    });
    const outcome = await runValidateStep({
      config: jsonl,
      bundleDir: join(dir, "jsonl"),
      baselines: noBaselines,
      cwd: dir,
      log: silent,
      shard: "1/3",
    });
    expect(outcome.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/^dataset train cannot be cut into 3 shards: share [23] would hold no records$/),
    ]);
  });

  it("cuts one file of equal records into any number of shards up to its records", async () => {
    const dir = tempDir("ctrain-range-shards-");
    const rows = Array.from({ length: 12 }, (_, i) => `${String(i).padStart(4, "0")},1,x,u${i % 10},l0`);
    writeFileSync(join(dir, "data.csv"), `id,n,note,u,label\n${rows.join("\n")}\n`);
    for (let count = 2; count <= 12; count++) {
      const lines = await validateShards(dir, count);
      expect(
        lines.filter((line) => line.includes("cannot be cut")),
        `${count} shards`,
      ).toEqual([]);
      const merged = await mergeShardProfiles(CONFIG, ["shards/*"], { cwd: dir, log: silent });
      expect(merged.errors, `${count} shards`).toEqual([]);
      expect(merged.validation.datasets[0]!.rows, `${count} shards`).toBe(12);
      rmSync(join(dir, "shards"), { recursive: true });
    }
  });

  it("says when the records cannot be cut into as many shards", async () => {
    const dir = tempDir("ctrain-range-shards-");
    writeFileSync(join(dir, "data.csv"), "id,n,note,u,label\n1,2,x,u1,l0\n");
    const outcome = await runValidateStep({
      config: CONFIG,
      bundleDir: join(dir, "shards", "2"),
      baselines: noBaselines,
      cwd: dir,
      log: silent,
      shard: "2/3",
    });
    expect(outcome.validation?.errors).toEqual([
      {
        message:
          "dataset train cannot be cut into 3 shards: its records make only 1 share(s) (shards cut uncompressed CSV, TSV and JSON Lines files at record boundaries, but not gzip or Parquet files, nor inside one record: use fewer shards, or split the data into more files)",
        location: "data.datasets.train.path",
      },
    ]);
  });
});
