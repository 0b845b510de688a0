import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "@ctrain/core";
import { readBatches, readRecords } from "@ctrain/readers";
import { readError, temporaryDirectory } from "./collect.js";

const temp = temporaryDirectory();
afterAll(() => temp.remove());

beforeAll(() => {
  mkdirSync(join(temp.dir, "shards", "nested"), { recursive: true });
  // Written out of order: reads must come back sorted by path.
  writeFileSync(join(temp.dir, "shards", "part-10.csv"), "n\n10\n");
  writeFileSync(join(temp.dir, "shards", "part-02.csv"), "n\n2\n");
  writeFileSync(join(temp.dir, "shards", "part-01.csv.gz"), gzipSync("n\n1\n"));
  writeFileSync(join(temp.dir, "shards", "nested", "part-05.jsonl"), '{"n": 5}\n');
  writeFileSync(join(temp.dir, "shards", "notes.txt"), "not data\n");
  writeFileSync(join(temp.dir, "data.dat"), "n\n7\n");
});

async function filesRead(sources: string | string[], options = {}): Promise<string[]> {
  const files: string[] = [];
  for await (const record of readRecords(sources, { cwd: temp.dir, ...options }))
    files.push(`${record.file}=${String(record.values.n)}`);
  return files;
}

describe("datasets: paths, globs, directories and lists of shards", () => {
  it("reads a glob's matches in sorted path order", async () => {
    expect(await filesRead("shards/*.csv*")).toEqual([
      "shards/part-01.csv.gz=1",
      "shards/part-02.csv=2",
      "shards/part-10.csv=10",
    ]);
  });

  it("reads a directory's data files, recursively, in sorted order", async () => {
    expect(await filesRead("shards")).toEqual([
      "shards/nested/part-05.jsonl=5",
      "shards/part-01.csv.gz=1",
      "shards/part-02.csv=2",
      "shards/part-10.csv=10",
    ]);
  });

  it("sorts a list of shards and reads a file named twice once", async () => {
    const list = ["shards/part-10.csv", "shards/part-02.csv", "shards/*.csv", join(temp.dir, "shards/part-02.csv")];
    expect(await filesRead(list)).toEqual(["shards/part-02.csv=2", "shards/part-10.csv=10"]);
  });

  it("takes the format from the options when the name does not tell it", async () => {
    expect(await filesRead("data.dat", { format: "csv" })).toEqual(["data.dat=7"]);
    const error = (await readError("data.dat", { cwd: temp.dir })) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe("cannot tell the format of data.dat from its name");
  });

  it("says which pattern matched nothing, which path is missing, and from where", async () => {
    const noMatch = (await readError("shards/*.parquet", { cwd: temp.dir })) as UserError;
    expect(noMatch.message).toBe(`no files match the pattern shards/*.parquet (working directory: ${temp.dir})`);
    const missing = (await readError(["shards/part-02.csv", "shards/part-03.csv"], { cwd: temp.dir })) as UserError;
    expect(missing.message).toBe(`file not found: shards/part-03.csv (working directory: ${temp.dir})`);
    const emptyList = (await readError([], { cwd: temp.dir })) as UserError;
    expect(emptyList.message).toBe("no data files were given");
    mkdirSync(join(temp.dir, "nothing-here"), { recursive: true });
    const emptyDirectory = (await readError("nothing-here", { cwd: temp.dir })) as UserError;
    expect(emptyDirectory.message).toBe("the directory nothing-here holds no data files");
  });

  it("tells each batch which file it came from", async () => {
    const files = [];
    for await (const batch of readBatches("shards/part-0*", { cwd: temp.dir })) files.push([batch.file, batch.format]);
    expect(files).toEqual([
      ["shards/part-01.csv.gz", "csv"],
      ["shards/part-02.csv", "csv"],
    ]);
  });
});
