import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CtrainConfig, type ValidationDocument } from "@ctrain/core";
import { validateDatasets, type ValidationLog } from "@ctrain/data";
import { workspace } from "../checks/support.js";
import { bundleFromSource } from "../../support/source-bundle.js";

/** The script validate's threads start from, bundled beside the CLI's. */
let entry: string;
beforeAll(async () => {
  entry = join(dirname(await bundleFromSource("cli")), "thread.js");
});

const rows = (count: number, row: (i: number) => string): string =>
  Array.from({ length: count }, (_, i) => row(i)).join("\n");

/** CSV and JSON Lines, one stopped by a ragged row, one with a missing file, one with failing checks. */
function fourDatasets(threads: number): { dir: string; config: CtrainConfig } {
  const dir = workspace({
    "a.csv": `id,n,s\n${rows(5_000, (i) => `${i},${(i * 7919) % 1000},${i % 3 ? "x" : "y"}`)}\n`,
    "b.jsonl": `${rows(3_000, (i) => JSON.stringify({ id: i % 2_900, v: i / 7, tag: i % 5 ? "p" : null }))}\n`,
    "ragged.csv": `id,n\n${rows(2_000, (i) => `${i},${i}`)}\n1,2,3\n4,5\n`,
  });
  const config = CtrainConfig.parse({
    data: {
      threads,
      datasets: {
        a: { path: "a.csv", key: "id", columns: { n: { max: 900 }, s: { regex: "^x$" } } },
        b: { path: "b.jsonl", key: "id", columns: { v: { min: 0 } } },
        ragged: { path: "ragged.csv", columns: { n: { max: 10 } } },
        missing: { path: "missing/*.csv" },
      },
    },
  });
  return { dir, config };
}

function withoutTimestamp<T extends { createdAt: string }>(document: T): Omit<T, "createdAt"> {
  const { createdAt: _, ...rest } = document;
  return rest;
}

/** A log that records every call, as the lines a reader of the run's log sees. */
function recordingLog(): { log: ValidationLog; lines: string[] } {
  const lines: string[] = [];
  const log: ValidationLog = {
    info: (message) => lines.push(message),
    startGroup: (name) => lines.push(`::group::${name}`),
    endGroup: () => lines.push("::endgroup::"),
  };
  return { log, lines };
}

describe("several datasets validated at once", () => {
  it("gives the validation, profiles and errors of a sequential run", async () => {
    const { dir, config } = fourDatasets(4);
    const sequential = await validateDatasets(config, { cwd: dir });
    const concurrent = await validateDatasets(config, { cwd: dir, profileThread: { entry } });
    expect(concurrent.errors.map((error) => [error.constructor, error.format()])).toEqual(
      sequential.errors.map((error) => [error.constructor, error.format()]),
    );
    expect(sequential.errors.map((error) => error.location)).toEqual([
      expect.stringContaining("ragged.csv"),
      expect.anything(),
    ]);
    expect(withoutTimestamp<ValidationDocument>(concurrent.validation)).toEqual(
      withoutTimestamp(sequential.validation),
    );
    expect(concurrent.validation.datasets.map((dataset) => dataset.name)).toEqual(["a", "b", "ragged", "missing"]);
    expect(concurrent.profiles.map(withoutTimestamp)).toEqual(sequential.profiles.map(withoutTimestamp));
    expect(concurrent.profiles.map((profile) => profile.dataset)).toEqual(["a", "b"]);
  });

  it("writes each dataset's log as one group, in config order", async () => {
    const { dir, config } = fourDatasets(4);
    const sequential = recordingLog();
    await validateDatasets(config, { cwd: dir, log: sequential.log });
    const concurrent = recordingLog();
    await validateDatasets(config, { cwd: dir, profileThread: { entry }, log: concurrent.log });
    const withoutTimes = (lines: string[]) => lines.map((line) => line.replace(/ in \d+\.\ds \([\d.]+ MB\/s\)/, ""));
    expect(withoutTimes(concurrent.lines)).toEqual(withoutTimes(sequential.lines));
    expect(concurrent.lines.filter((line) => line.startsWith("::group::"))).toEqual(
      ["a", "b", "ragged", "missing"].map((name) => `::group::Validate dataset ${name}`),
    );
  });

  it("stays sequential on one thread", async () => {
    const { dir, config } = fourDatasets(1);
    const progress: string[] = [];
    await validateDatasets(config, {
      cwd: dir,
      profileThread: { entry },
      onProgress: (report) => progress.push(report.dataset),
    });
    // One dataset after another: the progress of each comes in one run.
    expect(progress.filter((dataset, i) => dataset !== progress[i - 1])).toEqual(["a", "b", "ragged"]);
  });
});
