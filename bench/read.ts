// Reader throughput against pandas.read_csv on the same generated CSV, each side in its own process.
// Usage: node scripts/run-ts.mjs bench/read.ts [--size-mb 256] [--chunk-bytes N] [--keep]
import { execFile } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { readBatches, readRecords } from "@ctrain/readers";

interface Measurement {
  seconds: number;
  cpuSeconds: number;
  rows: number;
  maxRssMb: number;
  extra?: Record<string, number>;
}

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

/** One side of the comparison, measured inside its own process so start-up is not counted. */
async function runChild(mode: string, file: string, chunkBytes: number | undefined): Promise<void> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let rows = 0;
  let checksum = 0;
  if (mode === "records") {
    for await (const record of readRecords(file, { chunkBytes })) {
      rows++;
      checksum += record.line;
    }
  } else {
    for await (const batch of readBatches(file, { chunkBytes })) {
      rows += batch.rows;
      for (let col = 0; col < batch.columns.length; col++) {
        if (mode === "typed") checksum += batch.classifyColumn(col).kinds.length;
        else checksum += batch.column(col).length;
      }
    }
  }
  const used = process.cpuUsage(cpu);
  const measurement: Measurement = {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    rows,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    extra: { checksum },
  };
  console.log(JSON.stringify(measurement));
}

const PANDAS = `
import json, resource, sys, time
import pandas as pd
started, cpu = time.perf_counter(), time.process_time()
frame = pd.read_csv(sys.argv[1])
seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
rss_after_read = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
described = time.perf_counter()
frame.describe(include="all")
print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "rows": len(frame), "maxRssMb": rss_after_read,
                  "extra": {"describeSeconds": time.perf_counter() - described}}))
`;

async function runBenchmark(): Promise<void> {
  const sizeMb = Number(option("--size-mb") ?? 256);
  const dir = mkdtempSync(join(tmpdir(), "ctrain-bench-read-"));
  const file = join(dir, "data.csv");
  try {
    console.log(`generating ${sizeMb} MB of CSV (20 columns) in ${file}`);
    await generateCsv(file, sizeMb * 1024 * 1024);
    const megabytes = statSync(file).size / (1024 * 1024);
    const self = fileURLToPath(import.meta.url);
    const chunk = option("--chunk-bytes") ? ["--chunk-bytes", option("--chunk-bytes")!] : [];
    const run = async (command: string, commandArgs: string[]): Promise<Measurement> => {
      const { stdout } = await promisify(execFile)(command, commandArgs, { maxBuffer: 1 << 20 });
      return JSON.parse(stdout.trim().split("\n").at(-1)!) as Measurement;
    };
    const results: [string, Measurement][] = [];
    for (const mode of ["strings", "typed", "records"]) {
      results.push([`ctrain ${mode}`, await run(process.execPath, [self, "--child", mode, file, ...chunk])]);
    }
    const pandas = await run("/usr/bin/python3", ["-c", PANDAS, file]);
    results.push(["pandas read_csv", pandas]);

    console.log(`\n${megabytes.toFixed(1)} MB, ${pandas.rows.toLocaleString("en-US")} rows, Node ${process.version}`);
    console.log("reader              wall s   cpu s   MB/s  rows/s      peak RSS MB  vs pandas (wall, cpu)");
    for (const [name, m] of results) {
      const ratio = `${(pandas.seconds / m.seconds).toFixed(2)}x, ${(pandas.cpuSeconds / m.cpuSeconds).toFixed(2)}x`;
      console.log(
        [
          name.padEnd(18),
          m.seconds.toFixed(2).padStart(7),
          m.cpuSeconds.toFixed(2).padStart(7),
          (megabytes / m.seconds).toFixed(1).padStart(6),
          Math.round(m.rows / m.seconds)
            .toLocaleString("en-US")
            .padStart(10),
          m.maxRssMb.toFixed(0).padStart(12),
          `  ${ratio}`,
        ].join(" "),
      );
    }
    console.log(`pandas describe(include="all") on the frame: ${pandas.extra!.describeSeconds!.toFixed(2)} s more`);
    console.log("ctrain strings: every cell as a string; typed: every cell's kind and number, from the bytes;");
    console.log("records: an object per row (readRecords).");
  } finally {
    if (args.includes("--keep")) console.log(`kept ${file}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a deterministic CSV of about `bytes`: ints, floats with nulls, categories, quoted text, timestamps. */
async function generateCsv(path: string, bytes: number): Promise<void> {
  const random = mulberry32(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const categories = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
  const countries = Array.from({ length: 50 }, (_, i) => `C${String.fromCharCode(65 + (i % 26), 65 + ((i * 7) % 26))}`);
  const words = [
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "café",
    "naïve",
    "数据",
    "test",
  ];
  const header =
    "id,user_id,age,score,price,ratio,temp,category,country,active,label,name,comment,email,created_at,date,amount,count,code,note\n";
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  out.write(header);
  let written = header.length;
  let id = 0;
  const row = (): string => {
    id++;
    const draw = random();
    let comment = `${pick(words)} ${pick(words)}`;
    if (draw < 0.1) comment = `"${comment}, ${pick(words)}"`;
    else if (draw < 0.13) comment = `"she said ""${pick(words)}"""`;
    const stamp = new Date(1.6e12 + Math.floor(random() * 1e11)).toISOString();
    return [
      id,
      Math.floor(random() * 1e6),
      random() < 0.05 ? "" : 18 + Math.floor(random() * 60),
      random().toFixed(6),
      random() < 0.1 ? (random() < 0.5 ? "" : "NA") : (random() * 1000).toFixed(2),
      (random() * 1e-3).toExponential(3),
      ((random() - 0.5) * 80).toFixed(1),
      pick(categories),
      pick(countries),
      random() < 0.5 ? "true" : "false",
      random() < 0.3 ? 1 : 0,
      `${pick(words)}_${Math.floor(random() * 1e4)}`,
      comment,
      `user${Math.floor(random() * 1e5)}@example.com`,
      stamp.slice(0, 19),
      stamp.slice(0, 10),
      (random() * 1e5).toFixed(2),
      Math.floor(random() * 100),
      Math.floor(random() * 0xffffffff).toString(16),
      random() < 0.3 ? "" : pick(words),
    ].join(",");
  };
  while (written < bytes) {
    let block = "";
    for (let i = 0; i < 2000; i++) block += `${row()}\n`;
    written += Buffer.byteLength(block);
    if (!out.write(block)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

if (args[0] === "--child") await runChild(args[1]!, args[2]!, Number(option("--chunk-bytes") ?? 0) || undefined);
else await runBenchmark();
