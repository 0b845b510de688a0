import { appendFileSync, mkdirSync, readFileSync, readdirSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CtrainConfig, isUserError, type BaselineSource, type CheckResult } from "@ctrain/core";
import {
  KEY_RECORD_WORDS,
  KeyHasher,
  KeyPartitionWriter,
  MAX_SHARDS,
  joinPartition,
  mergeShardProfiles,
  parseShard,
  runValidateStep,
  shardFiles,
  validateDatasets,
} from "@ctrain/data";
import { tempDir } from "../../support/temp-dir.js";

const silent = { info: () => undefined, startGroup: () => undefined, endGroup: () => undefined };
const noBaselines: BaselineSource = {
  resolve: () => Promise.reject(new Error("baseline: none asks for no baseline")),
  history: () => Promise.resolve([]),
};

function hashOf(key: number): { hi: number; lo: number } {
  const hasher = new KeyHasher().reset().addNumber(key).finish();
  return { hi: hasher.hi, lo: hasher.lo };
}

function configFor(key: string[]): CtrainConfig {
  return CtrainConfig.parse({
    compare: { baseline: "none" },
    data: { datasets: { train: { path: "data/*.csv", key } } },
  });
}

/** Validates shard i of `count` of the workspace's data into shards/<i>. */
async function validateShard(dir: string, config: CtrainConfig, index: number, count: number) {
  return runValidateStep({
    config,
    bundleDir: join(dir, "shards", String(index)),
    baselines: noBaselines,
    cwd: dir,
    log: silent,
    shard: `${index}/${count}`,
    seed: index,
  });
}

/**
 * Validates every shard; a split the records cannot make (more shards than files, cut at record boundaries, and too
 * few records) is not a case of these tests, so it is discarded.
 */
async function validateShards(dir: string, config: CtrainConfig, count: number): Promise<void> {
  for (let index = 1; index <= count; index++) {
    const outcome = await validateShard(dir, config, index, count);
    fc.pre(!outcome.errors.some((error) => error.message.includes("cannot be cut into")));
  }
}

async function shardedKeyResult(dir: string, config: CtrainConfig, count: number) {
  await validateShards(dir, config, count);
  const merged = await mergeShardProfiles(config, ["shards/*"], { cwd: dir, log: silent });
  return { merged, result: merged.validation.datasets[0]!.results.find((r) => r.check.endsWith("_to_be_unique"))! };
}

describe("key partitions of a shard", () => {
  it("join to the repeats a walk over all shards' keys in order finds", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 80 }), { minLength: 1, maxLength: 5 }),
        (shards) => {
          const dir = tempDir("ctrain-key-partitions-");
          // The model: a key repeats across shards when an earlier shard holds it; each shard keeps its first.
          const expected: [number, number][] = [];
          const earlier = new Set<number>();
          shards.forEach((keys, shard) => {
            const own = new Set<number>();
            keys.forEach((key, line) => {
              if (own.has(key)) return;
              own.add(key);
              if (earlier.has(key)) expected.push([shard, line]);
            });
            for (const key of own) earlier.add(key);
          });
          const parts = shards.map((keys, shard) => {
            const folder = join(dir, String(shard));
            const writer = new KeyPartitionWriter(folder, {
              dataset: "train",
              shard: { index: shard + 1, count: shards.length },
              check: "key",
              columns: ["id"],
            });
            // Later repeats of a key reach the writer too (after the in-memory check spilled): it keeps the first.
            keys.forEach((key, line) => {
              const { hi, lo } = hashOf(key);
              writer.add(hi, lo, 0, line);
            });
            writer.finish({ files: ["a.csv"], rows: keys.length, counted: keys.length, repeats: 0 });
            return folder;
          });
          const found: [number, number][] = [];
          for (let p = 0; p < 64; p++) {
            const records = parts.map((folder) => {
              const bytes = readFileSync(join(folder, "key", `p${String(p).padStart(2, "0")}.bin`));
              return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
            });
            joinPartition(records, (shard, part, i) => found.push([shard, part[i * KEY_RECORD_WORDS + 3]!]));
          }
          const order = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
          expect(found.sort(order)).toEqual(expected.sort(order));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("split files into contiguous shares near an even byte count, at least one file each", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 30 }),
        (sizes, wanted) => {
          const count = Math.min(wanted, sizes.length);
          const files = sizes.map((size, i) => ({ size, i }));
          const shares = Array.from({ length: count }, (_, i) => shardFiles(files, { index: i + 1, count }, "train"));
          expect(shares.flat().map((file) => file.i)).toEqual(files.map((file) => file.i));
          for (const share of shares) expect(share.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it("parses i/N and refuses anything else with the form to write", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    expect(parseShard(`${MAX_SHARDS}/${MAX_SHARDS}`)).toEqual({ index: MAX_SHARDS, count: MAX_SHARDS });
    for (const bad of ["0/4", "5/4", "1", "1/0", `1/${MAX_SHARDS + 1}`, "a/b", "1/4; rm -rf /"]) {
      expect(() => parseShard(bad), bad).toThrow(/is not a shard/);
    }
  });
});

describe("the key check over shards", () => {
  it("equals the one-process check over all files, field by field, for any split, by files or byte ranges", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }), { maxLength: 40 }), {
          minLength: 2,
          maxLength: 5,
        }),
        fc.integer({ min: 2, max: 5 }),
        fc.boolean(),
        async (files, wanted, compound) => {
          const dir = tempDir("ctrain-key-shards-");
          mkdirSync(join(dir, "data"));
          // Keys repeat within files and across them; an empty id is an unkeyed row (compound: keyed by part alone).
          files.forEach((keys, f) => {
            const rows = keys.map((key, i) => `${key ?? ""},${compound ? (key ?? 0) % 3 : ""},${f}-${i}`);
            writeFileSync(join(dir, "data", `f${f}.csv`), `id,part,x\n${rows.join("\n")}\n`);
          });
          const config = configFor(compound ? ["id", "part"] : ["id"]);
          const single = await validateDatasets(config, { cwd: dir });
          const expected = single.validation.datasets[0]!.results.find((r) => r.check.endsWith("_to_be_unique"))!;
          // More shards than files cut the files by byte ranges.
          const { merged, result } = await shardedKeyResult(dir, config, wanted);
          expect(merged.errors).toEqual([]);
          expect(result).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it("duplicate rows and unique columns equal the one-process checks, field by field, by files or byte ranges", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.tuple(fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), fc.integer({ min: 0, max: 4 })),
            {
              maxLength: 30,
            },
          ),
          { minLength: 2, maxLength: 5 },
        ),
        fc.integer({ min: 2, max: 5 }),
        fc.boolean(),
        fc.boolean(),
        async (files, wanted, jsonLines, keyed) => {
          // An empty JSON Lines file has no columns, so its shard profiles nothing: that is not this test's case.
          fc.pre(!jsonLines || files.every((rows) => rows.length > 0));
          const dir = tempDir("ctrain-repeat-shards-");
          mkdirSync(join(dir, "data"));
          // Small ranges repeat rows and values within files and across them; an empty cell is null. JSON Lines
          // gives typed values (numbers, booleans), which the partitions must give back as they were.
          const extension = jsonLines ? "jsonl" : "csv";
          files.forEach((rows, f) => {
            const cells = rows.map(([a, b]) => [a ?? null, b === 4 ? "long ".repeat(50) : b === 3 ? true : b]);
            const text = jsonLines
              ? cells.map(([a, b]) => JSON.stringify({ a, b })).join("\n")
              : ["a,b", ...cells.map(([a, b]) => `${a ?? ""},${String(b)}`)].join("\n");
            writeFileSync(join(dir, "data", `f${f}.${extension}`), `${text}\n`);
          });
          const config = CtrainConfig.parse({
            compare: { baseline: "none" },
            data: {
              datasets: {
                train: {
                  path: `data/*.${extension}`,
                  "duplicate-rows": "error",
                  // A key on a unique column: the same check twice on one column, told apart by order.
                  ...(keyed ? { key: ["a"] } : {}),
                  columns: { a: { unique: true }, b: { unique: true } },
                },
              },
            },
          });
          const repeats = (results: readonly CheckResult[]) => results.filter((r) => r.check.endsWith("_to_be_unique"));
          const single = await validateDatasets(config, { cwd: dir });
          const expected = repeats(single.validation.datasets[0]!.results);
          await validateShards(dir, config, wanted);
          const merged = await mergeShardProfiles(config, ["shards/*"], { cwd: dir, log: silent });
          expect(merged.errors).toEqual([]);
          expect(expected.map((r) => r.column ?? "rows")).toEqual(keyed ? ["a", "b", "a", "rows"] : ["a", "b", "rows"]);
          expect(repeats(merged.validation.datasets[0]!.results)).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it("refuses a unique column's partitions whose manifest names another column", async () => {
    const dir = tempDir("ctrain-unique-shards-hostile-");
    mkdirSync(join(dir, "data"));
    writeFileSync(join(dir, "data", "a.csv"), "x\n1\n2\n");
    writeFileSync(join(dir, "data", "b.csv"), "x\n2\n3\n");
    const config = CtrainConfig.parse({
      compare: { baseline: "none" },
      data: { datasets: { train: { path: "data/*.csv", columns: { x: { unique: true } } } } },
    });
    await validateShard(dir, config, 1, 2);
    await validateShard(dir, config, 2, 2);
    const datasetKeys = join(dir, "shards", "2", "keys", "train");
    const unique = join(
      datasetKeys,
      readdirSync(datasetKeys).find((name) => name.startsWith("unique-"))!,
    );
    const manifest = JSON.parse(readFileSync(join(unique, "manifest.json"), "utf8")) as object;
    writeFileSync(join(unique, "manifest.json"), JSON.stringify({ ...manifest, columns: ["y"] }));
    const merged = await mergeShardProfiles(config, ["shards/*"], { cwd: dir, log: silent });
    expect(merged.validation.success).toBe(false);
    expect(merged.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/unique-[0-9a-f]{16}: its manifest names column\(s\) \["y"\]; expected \["x"\]/),
    ]);
  });

  it("refuses a shard whose partitions were tampered with, naming the file", async () => {
    const dir = tempDir("ctrain-key-shards-hostile-");
    mkdirSync(join(dir, "data"));
    writeFileSync(join(dir, "data", "a.csv"), "id\n1\n2\n3\n");
    writeFileSync(join(dir, "data", "b.csv"), "id\n3\n4\n");
    const config = configFor(["id"]);
    const keys = join(dir, "shards", "2", "keys", "train", "key");
    const rows = join(dir, "shards", "2", "keys", "train", "rows");
    const clean = await shardedKeyResult(dir, config, 2);
    expect(clean.result.result.unexpected_count).toBe(1);
    expect(clean.result.result.partial_unexpected_list).toEqual([{ value: "3", file: "data/b.csv", line: 2 }]);
    const cleanRows = clean.merged.validation.datasets[0]!.results.find(
      (r) => r.check === "expect_table_rows_to_be_unique",
    );
    expect(cleanRows?.result.partial_unexpected_list).toEqual([{ value: "3", file: "data/b.csv", line: 2 }]);

    // Every shard run rewrites its partitions, so each case starts from a clean pair.
    const partition = readdirSync(keys).find(
      (name) => name.endsWith(".bin") && readFileSync(join(keys, name)).length > 0,
    )!;
    const cases: [string, () => void, RegExp][] = [
      ["a record too many", () => appendFileSync(join(keys, partition), Buffer.alloc(16)), /holds \d+ bytes; expected/],
      ["a stray file", () => writeFileSync(join(keys, "evil.sh"), "x"), /holds \["evil.sh"\]/],
      [
        "a link",
        () => (unlinkSync(join(keys, partition)), symlinkSync("/etc/passwd", join(keys, partition))),
        /p\d\d\.bin is not a regular file/,
      ],
      [
        "a manifest of another dataset",
        () => {
          const manifest = JSON.parse(readFileSync(join(keys, "manifest.json"), "utf8")) as { dataset: string };
          writeFileSync(join(keys, "manifest.json"), JSON.stringify({ ...manifest, dataset: "other" }));
        },
        /names dataset "other"/,
      ],
      [
        "a stray folder beside the checks' folders",
        () => mkdirSync(join(keys, "..", "evil")),
        /holds \["evil"\]; expected only folders key, rows and unique-<16 hex digits>/,
      ],
      [
        "a duplicate-rows manifest that says it holds keys",
        () => {
          const manifest = JSON.parse(readFileSync(join(rows, "manifest.json"), "utf8")) as object;
          writeFileSync(join(rows, "manifest.json"), JSON.stringify({ ...manifest, check: "key" }));
        },
        /rows: its manifest names check key; expected duplicate-rows/,
      ],
      [
        "a record that names a file the shard did not read",
        () => {
          const bytes = readFileSync(join(keys, partition));
          bytes.writeUInt32LE(7, 8);
          writeFileSync(join(keys, partition), bytes);
        },
        /record 0 names file 7 of 1/,
      ],
      [
        "a shard from another split",
        () => {
          const manifest = JSON.parse(readFileSync(join(keys, "manifest.json"), "utf8")) as object;
          writeFileSync(join(keys, "manifest.json"), JSON.stringify({ ...manifest, shard: { index: 2, count: 3 } }));
        },
        /does not fit the other shards/,
      ],
    ];
    for (const [what, tamper, message] of cases) {
      await validateShard(dir, config, 1, 2);
      await validateShard(dir, config, 2, 2);
      tamper();
      const merged = await mergeShardProfiles(config, ["shards/*"], { cwd: dir, log: silent });
      expect(merged.validation.success, what).toBe(false);
      expect(merged.errors.length, what).toBe(1);
      expect(isUserError(merged.errors[0]) && merged.errors[0].message, what).toMatch(message);
    }
  });
});
