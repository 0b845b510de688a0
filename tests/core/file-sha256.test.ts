import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256File, sha256FileSync, type Sha256Digest } from "@ctrain/core";
import { tempDir } from "../support/temp-dir.js";

const CHUNK = 4 * 1024 * 1024;
const SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 7];
const RANGES = [
  { offset: 0, bytes: 0 },
  { offset: 3, bytes: 10 },
  { offset: CHUNK - 5, bytes: CHUNK + 9 },
  { offset: 1, bytes: 2 * CHUNK + 6 },
];

/** Random files of every size around the read chunk, with hashlib's digests of each file and of each range. */
function referenceFiles(): { cwd: string; whole: string[]; ranges: string[] } {
  const cwd = tempDir("ctrain-sha256-");
  const script = [
    "import hashlib, json, os, sys",
    "sizes, ranges = json.loads(sys.argv[1]), json.loads(sys.argv[2])",
    "for n in sizes: open(f'f{n}', 'wb').write(os.urandom(n))",
    "data = open(f'f{sizes[-1]}', 'rb').read()",
    "print(json.dumps({",
    "  'whole': [hashlib.sha256(open(f'f{n}', 'rb').read()).hexdigest() for n in sizes],",
    "  'ranges': [hashlib.sha256(data[r['offset']:r['offset'] + r['bytes']]).hexdigest() for r in ranges]}))",
  ].join("\n");
  const result = spawnSync("/usr/bin/python3", ["-c", script, JSON.stringify(SIZES), JSON.stringify(RANGES)], {
    cwd,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return { cwd, ...(JSON.parse(result.stdout) as { whole: string[]; ranges: string[] }) };
}

describe("sha256File and sha256FileSync", () => {
  let reference: ReturnType<typeof referenceFiles>;
  beforeAll(() => {
    reference = referenceFiles();
  });

  it("match Python's hashlib for whole files around the chunk size and for ranges across chunks", async () => {
    const { cwd, whole, ranges } = reference;
    for (const [index, size] of SIZES.entries()) {
      const file = join(cwd, `f${size}`);
      expect(await sha256File(file)).toEqual({ sha256: whole[index], bytes: size });
      expect(sha256FileSync(file)).toEqual({ sha256: whole[index], bytes: size });
    }
    const largest = join(cwd, `f${SIZES.at(-1)}`);
    for (const [index, range] of RANGES.entries()) {
      expect(await sha256File(largest, { range })).toEqual({ sha256: ranges[index], bytes: range.bytes });
    }
  });

  it("sha256FileSync runs from its source text alone, as the file digest worker starts it", async () => {
    const { cwd, whole } = reference;
    const source = `
      const { parentPort, workerData } = require("node:worker_threads");
      parentPort.postMessage((${String(sha256FileSync)})(workerData));
    `;
    const file = join(cwd, `f${CHUNK + 1}`);
    const worker = new Worker(source, { eval: true, workerData: file });
    const [digest] = (await once(worker, "message")) as [Sha256Digest];
    expect(digest).toEqual({ sha256: whole[SIZES.indexOf(CHUNK + 1)], bytes: CHUNK + 1 });
  });

  it("hands over the first 64 bytes and reports every byte read", async () => {
    const file = join(tempDir("ctrain-sha256-"), "data.bin");
    const bytes = Buffer.from(Array.from({ length: CHUNK + 1 }, (_, index) => index % 251));
    writeFileSync(file, bytes);
    let head: Buffer = Buffer.alloc(0);
    let progress = 0;
    await sha256File(file, { onHead: (first) => (head = first), onProgress: (read) => (progress += read) });
    expect(head).toEqual(bytes.subarray(0, 64));
    expect(progress).toBe(bytes.length);
  });
});
