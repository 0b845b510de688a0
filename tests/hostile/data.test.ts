// Hostile inputs for ctrain's data readers, regex checks, printed text and recorded digests, replayed through the
// built CLI (`npm run build` first) in temporary git repositories, or through the library where the CLI cannot
// reach. Every input states its expected outcome; afterAll prints how many inputs each family holds.
import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bundle } from "@ctrain/core";
import { sideOfBundle } from "@ctrain/compare";
import { readClassifierPredictions } from "@ctrain/metrics";
import { commandLines, commitAll, runCli, stackLines, writeFiles, type CliRun } from "./data-cli.js";

const counts = new Map<string, number>();
function counted(family: string, inputs = 1): void {
  counts.set(family, (counts.get(family) ?? 0) + inputs);
}

const temps: string[] = [];
function tempRepo(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ctrain-hostile-${prefix}-`));
  temps.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const lines = [...counts].map(([family, n]) => `  ${family}: ${n}`);
  process.stdout.write(`hostile data inputs by family (${total} in all):\n${lines.join("\n")}\n`);
});

/** Every run: no workflow command, no stack trace, no hang. */
function expectInert(run: CliRun): void {
  expect(run.timedOut, "the CLI hung").toBe(false);
  expect(commandLines(run)).toEqual([]);
  expect(stackLines(run)).toEqual([]);
}

/** Payloads that would start a workflow command if printed as they are. */
const PAYLOADS: Record<string, string> = {
  lf: "c\n::error::pwned",
  cr: "c\r::warning::pwned",
  "crlf-indented": "c\r\n   ::add-mask::pwned",
  "nel-after-break": "c\n\u0085::error::pwned",
  "old-form": "c ##[error]pwned",
  "stop-commands": "c\n::stop-commands::token",
  leading: "::error::pwned",
};

const csvCell = (text: string): string => `"${text.replace(/"/g, '""')}"`;

interface DataInput {
  family: string;
  name: string;
  dataset: Record<string, unknown>;
  files?: Record<string, string | Uint8Array>;
  /** The error's location (`file:line` or `file`) and message, or none when the dataset reads. */
  error?: { location: string; message: RegExp };
  rows?: number;
}

/** Lines 2..n of a CSV with columns id,y. */
const csvRows = (count: number, first = 1): string[] => Array.from({ length: count }, (_, i) => `${first + i},1`);
const jsonRows = (count: number): string[] => Array.from({ length: count }, (_, i) => JSON.stringify({ id: i, y: 1 }));

function dataInputs(): DataInput[] {
  const inputs: DataInput[] = [];
  Object.entries(PAYLOADS).forEach(([key, payload], i) => {
    const family = "workflow-command injection";
    inputs.push({
      family,
      name: `inj-header-${i}`,
      dataset: { path: `inj/header-${i}.csv`, label: "y" },
      files: { [`inj/header-${i}.csv`]: `id,${csvCell(payload)},y\n1,a,1\n` },
    });
    inputs.push({
      family,
      name: `inj-key-${i}`,
      dataset: { path: `inj/key-${i}.jsonl` },
      files: { [`inj/key-${i}.jsonl`]: `${JSON.stringify({ id: 1, [payload]: 2 })}\n` },
    });
    inputs.push({
      family,
      name: `inj-cell-${i}`,
      dataset: { path: `inj/cell-${i}.csv`, columns: { c: { "allowed-values": ["a"] } } },
      files: { [`inj/cell-${i}.csv`]: `id,c\n1,${csvCell(payload)}\n` },
    });
    const path = `inj/path-${key}${payload}.csv`;
    inputs.push({ family, name: `inj-path-${i}`, dataset: { path }, files: { [path]: "id,y\n1,1\n" } });
    inputs.push({
      family,
      name: `inj-missing-${i}`,
      dataset: { path: `inj/missing-${payload}.csv` },
      // Locations are stored on one line (validation.json), whatever line breaks the path holds.
      error: {
        location: `inj/missing-${payload}.csv`.replace(/\s*\n\s*/g, " "),
        message: /file not found|no files match/,
      },
    });
  });

  const duplicates: Record<string, string> = {
    twice: "a,a\n1,2\n",
    apart: "a,b,a\n1,2,3\n",
    quoted: '"x",x\n1,2\n',
    "after-bom": "\uFEFFa,a\n1,2\n",
    "named-like-unnamed": "Unnamed: 1,\n1,2\n",
    tsv: "a\tb\ta\n1\t2\t3\n",
  };
  for (const [key, text] of Object.entries(duplicates)) {
    const file = `dup/${key}.${key === "tsv" ? "tsv" : "csv"}`;
    inputs.push({
      family: "duplicate headers and columns",
      name: `dup-${key}`,
      dataset: { path: file },
      files: { [file]: text },
      error: { location: `${file}:1`, message: /the header names the column ".+" twice \(columns \d+ and \d+\)/ },
      rows: 0,
    });
  }

  const nul = (family: string, name: string, file: string, content: Uint8Array, line: number, rows: number): void => {
    inputs.push({
      family,
      name,
      dataset: { path: file },
      files: { [file]: content },
      error: { location: `${file}:${line}`, message: /NUL byte/ },
      rows,
    });
  };
  const withNul = (text: string): Buffer => Buffer.from(text.replace(/@/g, "\0"), "latin1");
  nul("NUL bytes", "nul-header", "nul/header.csv", withNul("id,@y\n1,1\n"), 1, 0);
  nul("NUL bytes", "nul-line-2", "nul/line2.csv", withNul("id,y\n1,@\n2,1\n"), 2, 0);
  nul("NUL bytes", "nul-line-50", "nul/line50.csv", withNul(`id,y\n${csvRows(48).join("\n")}\n49,@1\n`), 50, 48);
  nul("NUL bytes", "nul-quoted", "nul/quoted.csv", withNul(`id,y\n${csvRows(5).join("\n")}\n6,"a\nb@"\n`), 8, 5);
  nul("NUL bytes", "nul-jsonl", "nul/line3.jsonl", withNul(`${jsonRows(2).join("\n")}\n{"id":@}\n`), 3, 2);
  nul("NUL bytes", "nul-gzip", "nul/line4.csv.gz", gzipSync(withNul(`id,y\n${csvRows(2).join("\n")}\n3,@\n`)), 4, 2);
  inputs.push({
    family: "NUL bytes",
    name: "nul-kept",
    dataset: { path: "nul/kept.csv", "nul-bytes": "keep" },
    files: { "nul/kept.csv": withNul("id,y\n1,a@b\n2,1\n") },
    rows: 2,
  });

  const notFiles = ["fifo/pipe.csv", "fifo/pipe.jsonl", "/dev/zero", "/dev/null"];
  notFiles.forEach((path, i) =>
    inputs.push({
      family: "FIFOs and devices",
      name: `not-a-file-${i}`,
      dataset: { path, format: "csv" },
      error: { location: path, message: /is (a named pipe \(FIFO\)|a device), not a regular file/ },
    }),
  );
  // Directories and globs list regular files only: the pipe beside a data file is never opened.
  ["fifo/in-dir", "fifo/glob/*.csv"].forEach((path, i) =>
    inputs.push({ family: "FIFOs and devices", name: `beside-a-pipe-${i}`, dataset: { path }, rows: 1 }),
  );

  const bad = (name: string, file: string, text: string, line: number, rows: number, message: RegExp): void => {
    inputs.push({
      family: "bad lines keep the rows before them",
      name,
      dataset: { path: file },
      files: { [file]: text },
      error: { location: `${file}:${line}`, message },
      rows,
    });
  };
  for (const line of [2, 3, 50, 1000, 20_001]) {
    const text = `id,y\n${csvRows(line - 2).join("\n")}${line > 2 ? "\n" : ""}1,2,3\n4,1\n`;
    bad(`ragged-${line}`, `bad/ragged-${line}.csv`, text, line, line - 2, /expected 2 fields/);
  }
  for (const line of [1, 2, 100, 5000]) {
    const text = `${[...jsonRows(line - 1), "{bad", ...jsonRows(2)].join("\n")}\n`;
    bad(`json-${line}`, `bad/json-${line}.jsonl`, text, line, line - 1, /invalid JSON/);
  }
  for (const line of [2, 50, 3000]) {
    const text = Buffer.concat([
      Buffer.from(`id,y\n${csvRows(line - 2).join("\n")}${line > 2 ? "\n" : ""}9,`),
      Buffer.from([0xff]),
      Buffer.from("\n10,1\n"),
    ]);
    inputs.push({
      family: "bad lines keep the rows before them",
      name: `utf8-${line}`,
      dataset: { path: `bad/utf8-${line}.csv` },
      files: { [`bad/utf8-${line}.csv`]: text },
      error: { location: `bad/utf8-${line}.csv:${line}`, message: /not valid UTF-8: byte 0xff/ },
      rows: line - 2,
    });
  }
  for (const line of [2, 500]) {
    const text = `id,y\n${csvRows(line - 2).join("\n")}${line > 2 ? "\n" : ""}9,"open\n10,1\n`;
    bad(`quote-${line}`, `bad/quote-${line}.csv`, text, line, line - 2, /quoted field opened here is never closed/);
  }
  return inputs;
}

describe("hostile data inputs through ctrain validate", () => {
  const inputs = dataInputs();
  let repo: string;
  let run: CliRun;
  let validation: {
    datasets: { name: string; rows: number; success: boolean }[];
    errors: { message: string; location?: string }[];
  };

  beforeAll(async () => {
    repo = tempRepo("data");
    const datasets: Record<string, unknown> = {};
    for (const input of inputs) {
      if (input.files) writeFiles(repo, input.files);
      datasets[input.name] = input.dataset;
    }
    writeFiles(repo, { "ctrain.yml": JSON.stringify({ data: { datasets } }, null, 2), "fifo/in-dir/ok.csv": "a\n1\n" });
    writeFiles(repo, { "fifo/glob/ok.csv": "a\n1\n" });
    for (const fifo of ["fifo/pipe.csv", "fifo/pipe.jsonl", "fifo/in-dir/pipe.csv", "fifo/glob/pipe.csv"])
      execFileSync("mkfifo", [join(repo, fifo)]);
    commitAll(repo);
    run = await runCli(repo, ["validate"], 40_000);
    validation = JSON.parse(readFileSync(join(repo, ".ctrain/validation.json"), "utf8")) as typeof validation;
  });

  it("prints nothing the runner would execute, no stack trace, and does not hang", () => {
    expectInert(run);
    expect(run.code).toBe(1);
  });

  for (const input of inputs) {
    it(`${input.family}: ${input.name}`, () => {
      counted(input.family);
      const entry = validation.datasets.find((dataset) => dataset.name === input.name);
      expect(entry, `no result for ${input.name}`).toBeDefined();
      if (input.rows !== undefined) expect(entry!.rows).toBe(input.rows);
      if (input.error) {
        const { location, message } = input.error;
        const found = validation.errors.find((error) => error.location?.startsWith(location));
        expect(
          found,
          `no error at ${location}: ${JSON.stringify(validation.errors.map((e) => e.location))}`,
        ).toBeDefined();
        expect(found!.message).toMatch(message);
        if (/:\d+$/.test(location)) expect(found!.location).toMatch(new RegExp(`^${escapeRegex(location)}(:\\d+)?$`));
        expect(entry!.success).toBe(false);
      }
    });
  }
});

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("injection through config keys and training outputs", () => {
  it("dataset names and model descriptions from ctrain.yml stay inert", async () => {
    const runs = await Promise.all(
      Object.values(PAYLOADS).flatMap((payload) => {
        const named = tempRepo("name");
        writeFiles(named, { "ctrain.yml": JSON.stringify({ data: { datasets: { [payload]: { path: "d.csv" } } } }) });
        const described = tempRepo("description");
        writeFiles(described, { "ctrain.yml": JSON.stringify({ model: { name: "m", description: payload } }) });
        return [
          runCli(named, ["validate"]).then((r) => ({ r, error: true })),
          runCli(described, ["config", "check"]).then((r) => ({ r, error: false })),
        ];
      }),
    );
    for (const { r, error } of runs) {
      counted("workflow-command injection");
      expectInert(r);
      expect(r.code).toBe(error ? 1 : 0);
      if (error) expect(r.stderr).toMatch(/^error: ctrain\.yml:\d+:\d+: data\.datasets\./);
    }
  });

  it("metric names and string values written by training stay inert", async () => {
    const repo = tempRepo("metrics");
    const metrics: Record<string, unknown> = { accuracy: 0.9 };
    Object.values(PAYLOADS).forEach((payload, i) => {
      metrics[payload] = i;
      metrics[`note_${i}`] = payload;
    });
    writeFiles(repo, {
      "metrics.json": JSON.stringify(metrics),
      "train.mjs":
        'import { cpSync, mkdirSync } from "node:fs";\nmkdirSync("out", { recursive: true });\ncpSync("metrics.json", "out/metrics.json");\n',
      "ctrain.yml": JSON.stringify({ train: { command: "node train.mjs", metrics: "out/metrics.json" } }),
    });
    commitAll(repo);
    const trained = await runCli(repo, ["train"]);
    counted("workflow-command injection", Object.keys(PAYLOADS).length * 2);
    expectInert(trained);
    expect(`${trained.stdout}${trained.stderr}`).toMatch(/%3A:error::pwned|::error::pwned/);
    expectInert(await runCli(repo, ["runs"]));
  });
});

describe("regex checks", () => {
  const catastrophic: [string, string][] = [
    ["^(a+)+$", `${"a".repeat(40)}!`],
    ["(a|a)*b", "a".repeat(40)],
    ["^(a*)*$", `${"a".repeat(40)}!`],
    ["^(\\w+\\s?)*$", `${"word ".repeat(20)}!`],
    ["(x+x+)+y", "x".repeat(40)],
    ["^([a-z]+)*[0-9]$", `${"a".repeat(40)}!`],
  ];

  it("patterns that backtrack catastrophically finish at once, each cell counted as not matching", async () => {
    const repo = tempRepo("regex");
    const columns = Object.fromEntries(catastrophic.map(([pattern], i) => [`c${i}`, { regex: pattern }]));
    const header = catastrophic.map((_, i) => `c${i}`).join(",");
    writeFiles(repo, {
      "d.csv": `${header}\n${catastrophic.map(([, cell]) => cell).join(",")}\n`,
      "ctrain.yml": JSON.stringify({ data: { datasets: { d: { path: "d.csv", columns } } } }),
    });
    commitAll(repo);
    const run = await runCli(repo, ["validate"], 15_000);
    expectInert(run);
    expect(run.code).toBe(1);
    const validation = JSON.parse(readFileSync(join(repo, ".ctrain/validation.json"), "utf8")) as {
      datasets: { results: { check: string; column?: string; result: { unexpected_count?: number } }[] }[];
    };
    for (const [i] of catastrophic.entries()) {
      counted("catastrophic regexes");
      const result = validation.datasets[0]!.results.find(
        (r) => r.check === "expect_column_values_to_match_regex" && r.column === `c${i}`,
      );
      expect(result?.result.unexpected_count).toBe(1);
    }
  });

  it("patterns RE2 cannot compile are refused by config check at file:line:col", async () => {
    const invalid = ["([", "(?=a)", "(?<!a)b", "(a)\\1", "*", "[z-a]", "a{2,1}", "\\"];
    const runs = await Promise.all(
      invalid.map((pattern) => {
        const repo = tempRepo("bad-regex");
        writeFiles(repo, {
          "ctrain.yml": `data:\n  datasets:\n    d:\n      path: d.csv\n      columns:\n        c: { regex: ${JSON.stringify(pattern)} }\n`,
        });
        return runCli(repo, ["config", "check"]);
      }),
    );
    for (const run of runs) {
      counted("invalid regexes");
      expectInert(run);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^error: ctrain\.yml:6:\d+: data\.datasets\.d\.columns\.c\.regex: not a usable regular expression \(error parsing regexp: /,
      );
    }
  });
});

describe("predictions files", () => {
  it("a repeated prediction column is an error naming the file and both columns", async () => {
    const dir = tempRepo("predictions");
    const files = {
      "y-true.csv": "y_true,y_pred,y_true\n1,1,0\n",
      "score.csv": "y_true,score,score\n1,0.5,0.9\n",
      "proba.csv": "y_true,proba_0,proba_1,proba_1\n1,0.5,0.5,0.2\n",
    };
    writeFiles(dir, files);
    for (const file of Object.keys(files)) {
      counted("duplicate headers and columns");
      await expect(readClassifierPredictions(join(dir, file))).rejects.toMatchObject({
        name: "UserError",
        location: `${join(dir, file)}:1`,
        message: expect.stringMatching(/the header names the column "(y_true|score|proba_1)" twice/),
      });
    }
  });
});

describe("recorded digests: baseline predictions and the local registry", () => {
  let repo: string;

  beforeAll(async () => {
    repo = tempRepo("recorded");
    writeFiles(repo, {
      "train.mjs": [
        'import { mkdirSync, writeFileSync } from "node:fs";',
        'mkdirSync("out", { recursive: true });',
        'writeFileSync("out/metrics.json", JSON.stringify({ accuracy: 0.75 }));',
        'writeFileSync("out/predictions.csv", "id,y_true,score\\n1,1,0.9\\n2,0,0.2\\n3,1,0.4\\n4,0,0.6\\n");',
        'writeFileSync("out/model.bin", "weights");',
      ].join("\n"),
      "ctrain.yml": JSON.stringify({
        model: { name: "m" },
        train: {
          command: "node train.mjs",
          metrics: "out/metrics.json",
          predictions: "out/predictions.csv",
          "model-files": "out/model.bin",
        },
        compare: { metrics: { accuracy: { direction: "higher", min: 0.5 } } },
        publish: { approval: "none" },
      }),
    });
    commitAll(repo);
    const trained = await runCli(repo, ["train"]);
    expect(trained.code, trained.stderr).toBe(0);
  });

  const tamperings: Record<string, (file: string) => void> = {
    "a byte appended": (file) => appendFileSync(file, "5,1,0.5\n"),
    "a score changed": (file) => writeFileSync(file, readFileSync(file, "utf8").replace("0.9", "0.1")),
    emptied: (file) => truncateSync(file, 0),
    removed: (file) => unlinkSync(file),
    "a symlink to another file": (file) => {
      unlinkSync(file);
      symlinkSync("/etc/hostname", file);
    },
  };
  for (const [how, tamper] of Object.entries(tamperings)) {
    it(`baseline predictions ${how} after run.json recorded them are refused`, () => {
      counted("tampered baseline predictions");
      const copy = tempRepo("baseline");
      cpSync(join(repo, ".ctrain"), copy, { recursive: true });
      const predictions = readdirSync(join(copy, "predictions")).map((name) => join(copy, "predictions", name));
      tamper(predictions[0]!);
      expect(() => sideOfBundle(new Bundle(copy, { untrusted: true }), "baseline")).toThrow(
        expect.objectContaining({
          name: "UserError",
          message: expect.stringMatching(/predictions/),
        }),
      );
    });
  }

  it("the untampered bundle is accepted", () => {
    counted("tampered baseline predictions");
    expect(sideOfBundle(new Bundle(join(repo, ".ctrain"), { untrusted: true }), "baseline").predictionsPath).toMatch(
      /predictions/,
    );
  });

  it("damaged registry entries: side records, dangling symlinks", async () => {
    const compared = await runCli(repo, ["compare"]);
    expect(compared.code, compared.stderr).toBe(0);
    const published = await runCli(repo, ["publish"]);
    expectInert(published);
    expect(published.code, published.stderr).toBe(0);
    const versionDir = join(repo, ".ctrain-store/registry/m/0.1.0");
    const record = join(versionDir, ".release.json");

    for (const damage of [
      () => writeFileSync(record, "{not json"),
      () => writeFileSync(record, "{}"),
      () => unlinkSync(record),
    ]) {
      counted("damaged registry entries");
      damage();
      const again = await runCli(repo, ["publish"]);
      expectInert(again);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/^unchanged: m@v0\.1\.0/);
      expect(readdirSync(join(repo, ".ctrain-store/registry/m"))).toEqual(["0.1.0"]);
    }

    counted("damaged registry entries");
    symlinkSync(join(repo, "nowhere"), join(repo, ".ctrain-store/registry/m/9.9.9"));
    const beside = await runCli(repo, ["fetch", "--to", "fetched-1"]);
    expectInert(beside);
    expect(beside.code, beside.stderr).toBe(0);

    counted("damaged registry entries");
    const asset = readdirSync(versionDir).find((name) => name.includes("model"))!;
    unlinkSync(join(versionDir, asset));
    symlinkSync(join(repo, "nowhere"), join(versionDir, asset));
    const dangling = await runCli(repo, ["fetch", "--to", "fetched-2"]);
    expectInert(dangling);
    expect(dangling.code).toBe(1);
    expect(dangling.stderr).toContain(asset);
  });
});
