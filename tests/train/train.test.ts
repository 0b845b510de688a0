import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, utimesSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Bundle, serializeDocument } from "@ctrain/core";
import { runTraining } from "@ctrain/train";
import { workspace } from "./workspace.js";

interface Truth {
  sha256: Record<string, string>;
  metrics?: Record<string, unknown>;
  curves?: Record<string, [number, number][]>;
  fingerprint?: string;
}

function reference(request: Record<string, unknown>): Truth {
  const script = new URL("../reference/train_outputs.py", import.meta.url).pathname;
  const result = spawnSync("/usr/bin/python3", [script], { input: JSON.stringify(request), encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Truth;
}

const quiet = { log: () => undefined };

describe("runTraining", () => {
  it("records a scikit-learn run: params, metrics, curves, predictions, model files, datasets, resources", async () => {
    const { root, settings } = workspace(
      [
        "data:",
        "  datasets:",
        "    tabular: { path: data/*.csv }",
        "train:",
        "  command: /usr/bin/python3 sklearn_train.py",
        "  params: params.yaml",
        "  metrics: ctrain-output/metrics.json",
        "  curves: ctrain-output/curves.csv",
        "  predictions: ctrain-output/predictions.csv",
        "  model-files: ctrain-output/*.joblib",
      ].join("\n"),
      {
        "params.yaml": "train:\n  epochs: 4\nmodel:\n  alpha: 0.1\n",
        "data/a.csv": "x,y\n1,2\n",
        "data/b.csv": "x,y\n3,4\n",
      },
      { paramOverrides: { "model.alpha": 0.001 } },
    );
    const lines: string[] = [];
    // Frequent samples: a loaded machine must not hide the Python process's memory between two of them.
    const result = await runTraining(settings, { log: (line) => lines.push(line), sampleIntervalMs: 100 });
    expect(result.error).toBeUndefined();
    expect(result.exitCode).toBe(0);

    const run = new Bundle(settings.bundleDir).read("run");
    const truth = reference({
      root,
      hash: ["ctrain-output/model.joblib", ".ctrain/predictions/predictions.csv", "ctrain-output/predictions.csv"],
      metrics: "ctrain-output/metrics.json",
      curves: "ctrain-output/curves.csv",
      dataset: ["data/a.csv", "data/b.csv"],
    });
    expect(run.status).toBe("succeeded");
    expect(run.exitCode).toBe(0);
    // The override reached the command through CTRAIN_PARAMS_FILE and the record.
    expect(run.params).toEqual({ "train.epochs": 4, "model.alpha": 0.001 });
    expect(JSON.parse(readFileSync(join(root, "ctrain-output/params.json"), "utf8"))).toEqual({
      train: { epochs: 4 },
      model: { alpha: 0.001 },
    });
    expect(run.metrics).toEqual(truth.metrics);
    expect(run.metricFiles).toEqual(["ctrain-output/metrics.json"]);
    expect(run.curves.map((curve) => curve.metric)).toEqual(["train_loss", "test_accuracy"]);
    for (const curve of run.curves) {
      expect(curve.file).toBe("ctrain-output/curves.csv");
      expect(curve.points.map((point) => [point.step, point.value])).toEqual(truth.curves![curve.metric]);
    }
    expect(run.predictions).toEqual({
      path: "predictions/predictions.csv",
      bytes: readFileSync(join(root, "ctrain-output/predictions.csv")).length,
      sha256: truth.sha256["ctrain-output/predictions.csv"],
    });
    expect(truth.sha256[".ctrain/predictions/predictions.csv"]).toBe(truth.sha256["ctrain-output/predictions.csv"]);
    expect(run.model.files).toEqual([
      {
        path: "ctrain-output/model.joblib",
        bytes: readFileSync(join(root, "ctrain-output/model.joblib")).length,
        sha256: truth.sha256["ctrain-output/model.joblib"],
        pickle: true,
      },
    ]);
    expect(run.datasets).toHaveLength(1);
    expect(run.datasets[0]!.name).toBe("tabular");
    expect(run.datasets[0]!.fingerprint).toBe(truth.fingerprint);
    expect(run.datasets[0]!.files.map((file) => file.path)).toEqual(["data/a.csv", "data/b.csv"]);
    expect(run.resources!.wallSeconds).toBeGreaterThan(0);
    expect(run.resources!.cpuSeconds).toBeGreaterThan(0);
    expect(run.resources!.peakRssBytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(run.logTail.at(-1)).toMatch(/^done \{"accuracy"/);
    expect(run.logTail).toContain("epoch 0: train_loss=" + run.curves[0]!.points[0]!.value.toFixed(4));
    expect(lines.some((line) => line.startsWith("metrics: accuracy="))).toBe(true);
  });

  it("records a plain Node run with JSON Lines curves and its default metrics file", async () => {
    const { settings } = workspace(
      [
        "train:",
        "  command: node node_train.mjs",
        "  params: { lr: 0.5, epochs: 3 }",
        "  curves: ctrain-output/curves.jsonl",
        "  model-files: ctrain-output/",
      ].join("\n"),
    );
    const result = await runTraining(settings, quiet);
    expect(result.run.status).toBe("succeeded");
    // No train.metrics: metrics.json in CTRAIN_OUTPUT_DIR is read.
    expect(result.run.metricFiles).toEqual(["ctrain-output/metrics.json"]);
    expect(result.run.metrics.rows).toBe(400);
    expect(result.run.curves).toHaveLength(1);
    expect(result.run.curves[0]!.points.map((point) => point.step)).toEqual([1, 2, 3]);
    // The whole output folder, less the params file ctrain itself wrote there.
    expect(result.run.model.files.map((file) => [file.path, file.pickle])).toEqual([
      ["ctrain-output/curves.jsonl", false],
      ["ctrain-output/metrics.json", false],
      ["ctrain-output/model.json", false],
    ]);
  });

  it("records a failing command with its exit code and log tail, and does not throw", async () => {
    const { settings } = workspace(
      ["train:", "  command: |", "    echo preparing; echo 'Traceback: boom' >&2; exit 3", "  metrics: m.json"].join(
        "\n",
      ),
    );
    const warnings: string[] = [];
    const result = await runTraining(settings, { log: () => undefined, warn: (line) => warnings.push(line) });
    expect(result.exitCode).toBe(3);
    expect(result.error).toBeUndefined();
    const run = new Bundle(settings.bundleDir).read("run");
    expect(run.status).toBe("failed");
    expect(run.exitCode).toBe(3);
    expect(run.logTail).toEqual(["preparing", "Traceback: boom"]);
    expect(warnings.join("\n")).toMatch(/after the failed command: train.metrics: nothing found at m.json/);
  });

  it("a missing metrics file fails the run with the path, the working directory and what was written", async () => {
    const { root, settings } = workspace(
      [
        "train:",
        "  command: mkdir -p out && echo '{}' > out/metrics.jsn && echo 1 > out/model.bin",
        "  working-directory: app",
        "  metrics: out/metrics.json",
      ].join("\n"),
      { "app/README": "" },
    );
    utimesSync(join(root, "app/README"), new Date("2020-01-01"), new Date("2020-01-01"));
    const result = await runTraining(settings, quiet);
    expect(result.exitCode).toBe(1);
    expect(result.error?.format()).toMatch(
      `train.metrics: nothing found at out/metrics.json (working directory: ${join(root, "app")}); ` +
        "the command wrote: out/metrics.jsn, out/model.bin\n  hint: make the command write there",
    );
    const run = new Bundle(settings.bundleDir).read("run");
    expect(run.status).toBe("failed");
    expect(run.exitCode).toBe(0);
    expect(run.workingDirectory).toBe("app");
  });

  it("keeps NaN, Infinity, strings and booleans in metrics", async () => {
    const { settings } = workspace(
      [
        "train:",
        "  command: |",
        `    echo '{"loss": NaN, "ratio": Infinity, "neg": -Infinity, "note": "ok", "flag": true, "n": {"a": 1}}' > "$CTRAIN_OUTPUT_DIR/metrics.json"`,
      ].join("\n"),
    );
    const result = await runTraining(settings, quiet);
    expect(result.run.status).toBe("succeeded");
    const run = new Bundle(settings.bundleDir).read("run");
    expect(run.metrics).toEqual({ loss: NaN, ratio: Infinity, neg: -Infinity, note: "ok", flag: true, "n.a": 1 });
    expect(serializeDocument(run)).toContain('"loss": {\n      "$float": "NaN"');
  });

  it("reads CSV and TSV metric files: one row by column, several rows by row and column", async () => {
    const { settings } = workspace(
      [
        "train:",
        "  command: |",
        "    printf 'accuracy,loss,note\\n0.93,nan,best\\n' > one.csv",
        "    printf 'split\\tf1\\ntrain\\t0.99\\ntest\\t-inf\\n' > two.tsv",
        "  metrics: [one.csv, two.tsv]",
      ].join("\n"),
    );
    const result = await runTraining(settings, quiet);
    expect(result.error).toBeUndefined();
    expect(result.run.metrics).toEqual({
      accuracy: 0.93,
      loss: NaN,
      note: "best",
      "0.split": "train",
      "0.f1": 0.99,
      "1.split": "test",
      "1.f1": -Infinity,
    });
  });

  it("refuses a metrics file older than the run", async () => {
    const { root, settings } = workspace(["train:", "  command: 'true'", "  metrics: old.json"].join("\n"), {
      "old.json": '{"accuracy": 0.9}',
    });
    utimesSync(join(root, "old.json"), new Date("2020-01-01"), new Date("2020-01-01"));
    const result = await runTraining(settings, quiet);
    expect(result.error?.format()).toMatch(
      /^train.metrics: old.json was last written at 2020-01-01T00:00:00.000Z, before the command started/,
    );
  });

  it("a timed-out command is recorded as timed-out with exit code 124", async () => {
    const { settings } = workspace(
      ["train:", "  command: echo waiting; sleep 1000", "  timeout: 1s", "  kill-grace: 0.2"].join("\n"),
    );
    const result = await runTraining(settings, quiet);
    expect(result.exitCode).toBe(124);
    const run = new Bundle(settings.bundleDir).read("run");
    expect(run.status).toBe("timed-out");
    expect(run.logTail).toEqual(["waiting"]);
  });

  it("passes NaN params to the command as Python's json module writes them", async () => {
    const { root, settings } = workspace(
      [
        "train:",
        "  command: /usr/bin/python3 -c 'import json,os; print(json.load(open(os.environ[\"CTRAIN_PARAMS_FILE\"])))'",
        "  params: { a: .nan, b: [1, 2] }",
      ].join("\n"),
    );
    const result = await runTraining(settings, quiet);
    expect(result.run.logTail).toEqual(["{'a': nan, 'b': [1, 2]}"]);
    expect(result.run.params).toEqual({ a: NaN, "b.0": 1, "b.1": 2 });
    expect(readFileSync(join(root, "ctrain-output/params.json"), "utf8")).toContain('"a": NaN');
  });

  it("fails before running when a dataset is missing", async () => {
    const { settings } = workspace(
      ["data:", "  datasets:", "    d: { path: nowhere/*.csv }", "train:", "  command: 'true'"].join("\n"),
    );
    await expect(runTraining(settings, quiet)).rejects.toThrow(/dataset d: nothing found at nowhere\/\*\.csv/);
  });

  it("flags pickles by content: a protocol-4 pickle named .bin and a torch-style zip", async () => {
    const { root, settings } = workspace(
      [
        "train:",
        "  command: >-",
        '    /usr/bin/python3 -c "import pickle, zipfile;',
        "    open('out.bin','wb').write(pickle.dumps({'w': 1}, protocol=4));",
        "    z = zipfile.ZipFile('pytorch_model.bin', 'w'); z.writestr('archive/data.pkl', pickle.dumps(1)); z.writestr('archive/data/0', b'0'); z.close();",
        "    z = zipfile.ZipFile('weights.zip', 'w'); z.writestr('weights.npy', b'0'); z.close();",
        "    open('model.safetensors','wb').write(b'{}')\"",
        "  model-files: ['*.bin', '*.zip', '*.safetensors']",
      ].join("\n"),
    );
    mkdirSync(join(root, "unused"), { recursive: true });
    writeFileSync(join(root, "unused/x"), "");
    const result = await runTraining(settings, quiet);
    expect(result.run.status).toBe("succeeded");
    expect(Object.fromEntries(result.run.model.files.map((file) => [file.path, file.pickle]))).toEqual({
      "out.bin": true,
      "pytorch_model.bin": true,
      "weights.zip": false,
      "model.safetensors": false,
    });
  });
});
