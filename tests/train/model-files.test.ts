import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GpuPeak, parseGpuLine, isPickleFile, thin, zipEntryNames } from "@ctrain/train";
import { numericCell } from "@ctrain/metrics";
import { tempDir } from "../support/temp-dir.js";

const dir = () => tempDir("ctrain-model-");

function python(code: string, cwd: string): void {
  const result = spawnSync("/usr/bin/python3", ["-c", code], { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
}

describe("zipEntryNames", () => {
  it("reads a zip64 central directory (more than 65,535 entries), as Python's zipfile writes it", async () => {
    const cwd = dir();
    python(
      "import zipfile\nwith zipfile.ZipFile('big.zip', 'w') as z:\n  for i in range(70000): z.writestr(f'archive/data/{i}', b'')\n  z.writestr('archive/data.pkl', b'\\x80\\x04N.')",
      cwd,
    );
    const names = await zipEntryNames(join(cwd, "big.zip"));
    expect(names).toHaveLength(70_001);
    expect(names.at(-1)).toBe("archive/data.pkl");
    expect(await isPickleFile(join(cwd, "big.zip"), readFileSync(join(cwd, "big.zip")).subarray(0, 64))).toBe(true);
  });

  it("answers no entries for a file that only starts like a zip", async () => {
    const cwd = dir();
    writeFileSync(join(cwd, "fake.zip"), Buffer.from("PK\u0003\u0004 not really"));
    expect(await zipEntryNames(join(cwd, "fake.zip"))).toEqual([]);
  });
});

describe("GPU readings", () => {
  it("parses nvidia-smi's CSV and sums memory per sample", () => {
    expect(parseGpuLine("0, NVIDIA A100-SXM4-80GB, 1234")).toEqual({
      index: 0,
      name: "NVIDIA A100-SXM4-80GB",
      memoryUsedBytes: 1234 * 1024 * 1024,
    });
    expect(parseGpuLine("1, NVIDIA A100 MIG 1g.10gb, [N/A]")?.memoryUsedBytes).toBeUndefined();
    expect(parseGpuLine("No devices were found")).toBeUndefined();
    const peak = new GpuPeak();
    for (const line of ["0, T4, 100", "1, L4, 50", "0, T4, 300", "1, L4, 10", "0, T4, 200", "1, L4, 200"])
      peak.add(parseGpuLine(line)!);
    expect(peak.result()).toEqual({ name: "T4, L4", peakMemoryBytes: 400 * 1024 * 1024 });
  });
});

describe("curve helpers", () => {
  it("reads numbers the ways Python and pandas write them", () => {
    expect(numericCell("0.5")).toBe(0.5);
    expect(numericCell(" 1e-3 ")).toBe(0.001);
    expect(numericCell("nan")).toBeNaN();
    expect(numericCell("-inf")).toBe(-Infinity);
    expect(numericCell("Infinity")).toBe(Infinity);
    expect(numericCell("")).toBeUndefined();
    expect(numericCell("train")).toBeUndefined();
    expect(numericCell("0x10")).toBeUndefined();
    expect(numericCell("NA")).toBeUndefined();
    expect(numericCell("true")).toBeUndefined();
  });

  it("thins long curves to the limit, keeping the first and last points", () => {
    const points = Array.from({ length: 1001 }, (_, step) => ({ step, value: step }));
    const kept = thin(points, 100);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept[0]).toEqual(points[0]);
    expect(kept.at(-1)).toEqual(points.at(-1));
  });
});
