import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { temporaryDirectory } from "./collect.js";

const temp = temporaryDirectory();
afterAll(() => temp.remove());

const ROW = "12345,0.5,category,some text here,2024-01-02T03:04:05\n"; // 56 bytes
const FILE_MB = 64;
/** Old-space limit for the reading process: half the file, far below what holding its rows would take. */
const HEAP_LIMIT_MB = 32;
let path = "";

beforeAll(async () => {
  path = join(temp.dir, "large.csv");
  const out = createWriteStream(path);
  const block = ROW.repeat(4096);
  out.write("id,x,cat,text,ts\n");
  for (let written = 0; written < FILE_MB * 1024 * 1024; written += block.length) {
    if (!out.write(block)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
});

interface Probe {
  batches: number;
  rows: number;
  maxAliveBatches: number;
  maxBatchRows: number;
}

async function probe(...extra: string[]): Promise<Probe> {
  const args = [
    `--max-old-space-size=${HEAP_LIMIT_MB}`,
    "--expose-gc",
    "scripts/run-ts.mjs",
    "tests/data/readers/memory-probe.ts",
    path,
    ...extra,
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args);
  return JSON.parse(stdout) as Probe;
}

describe("memory does not grow with the file", () => {
  it("streams a file twice the size of the heap, holding one small batch at a time", async () => {
    const result = await probe();
    expect(result.rows).toBe(Math.floor((FILE_MB * 1024 * 1024) / (4096 * ROW.length) + 1) * 4096);
    // Batches the consumer let go of are collected: of over a thousand, only the last few that generator
    // frames still point at are alive at any time.
    expect(result.maxAliveBatches).toBeLessThanOrEqual(8);
    // A batch covers about chunkBytes (64 KiB) of input.
    expect(result.maxBatchRows).toBeLessThanOrEqual(Math.ceil((64 * 1024) / ROW.length) + 1);
    expect(result.batches).toBeGreaterThan((FILE_MB * 1024) / 64);
  });

  it("runs out of that heap when the rows are kept (the limit binds)", async () => {
    await expect(probe("--retain")).rejects.toThrow();
  });
});
