import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Bundle } from "@ctrain/core";
import {
  overrideParamsFile,
  paramsBackupPath,
  parseParamOverrides,
  renderEffectiveParams,
  runTraining,
} from "@ctrain/train";
import { workspace } from "./workspace.js";

/**
 * A training script as users write them: it reads params.yaml or params.json itself (with PyYAML absent, a tiny
 * reader of the two-level YAML below), and the effective params from CTRAIN_PARAMS_FILE, and writes down what it saw.
 */
const SEEING_SCRIPT = String.raw`
import json, os, sys, time
def read_yaml(text):
    out, section = {}, None
    for raw in text.splitlines():
        line = raw.split("#")[0].rstrip()
        if not line.strip():
            continue
        key, _, value = line.strip().partition(":")
        value = value.strip()
        if not raw.startswith(" "):
            section = key
            out[key] = {} if value == "" else json.loads(value)
        else:
            out[section][key] = json.loads(value)
    return out
name = sys.argv[1]
text = open(name).read()
seen = {
    "file": json.loads(text) if name.endswith(".json") else read_yaml(text),
    "text": text,
    "env_path": os.environ["CTRAIN_PARAMS_FILE"],
    "env": json.load(open(os.environ["CTRAIN_PARAMS_FILE"])),
}
os.makedirs(os.environ["CTRAIN_OUTPUT_DIR"], exist_ok=True)
with open(os.path.join(os.environ["CTRAIN_OUTPUT_DIR"], "seen.json"), "w") as f:
    json.dump(seen, f)
json.dump({"accuracy": 0.5}, open(os.path.join(os.environ["CTRAIN_OUTPUT_DIR"], "metrics.json"), "w"))
ending = sys.argv[2] if len(sys.argv) > 2 else "succeed"
if ending == "fail":
    sys.exit(3)
if ending == "hang":
    time.sleep(1000)
`;

const PARAMS_YAML = [
  "# model settings, tuned by hand",
  "model:",
  "  C: 1.0  # inverse regularisation",
  '  kernel: "rbf"',
  "train:",
  "  epochs: 5",
  "",
].join("\n");

interface Seen {
  file: Record<string, Record<string, unknown>>;
  text: string;
  env_path: string;
  env: Record<string, unknown>;
}

function trainYml(command: string, params: string | undefined, extra: string[] = []): string {
  return ["train:", `  command: ${command}`, ...(params ? [`  params: ${params}`] : []), ...extra].join("\n");
}

function seenBy(root: string): Seen {
  return JSON.parse(readFileSync(join(root, "ctrain-output/seen.json"), "utf8")) as Seen;
}

/** The file's bytes and modification time, to check that a run leaves it exactly as it found it. */
function snapshot(path: string): { bytes: Buffer; mtimeMs: number } {
  // A time in the past, so a rewrite during the run could not keep it by chance.
  utimesSync(path, new Date("2020-01-02T03:04:05Z"), new Date("2020-01-02T03:04:05Z"));
  return { bytes: readFileSync(path), mtimeMs: statSync(path).mtimeMs };
}

function expectUntouched(path: string, before: { bytes: Buffer; mtimeMs: number }): void {
  expect(readFileSync(path).equals(before.bytes)).toBe(true);
  expect(statSync(path).mtimeMs).toBe(before.mtimeMs);
  expect(existsSync(paramsBackupPath(path))).toBe(false);
}

const quiet = { log: () => undefined };
const children: number[] = [];
afterEach(() => {
  for (const pid of children.splice(0)) process.kill(pid, "SIGKILL");
});

describe("param overrides reach a command that reads the params file", () => {
  it.each([
    ["succeeds", "succeed", [], "succeeded"],
    ["fails", "fail", [], "failed"],
    ["times out", "hang", ["  timeout: 1s", "  kill-grace: 0.2"], "timed-out"],
  ] as const)("when the command %s, the YAML file is restored byte for byte", async (_, ending, extra, status) => {
    const { root, settings } = workspace(
      trainYml(`/usr/bin/python3 see.py params.yaml ${ending}`, "params.yaml", [...extra]),
      { "see.py": SEEING_SCRIPT, "params.yaml": PARAMS_YAML },
      { paramOverrides: parseParamOverrides("model.C=0.001\ntrain.epochs=2", "--param") },
    );
    const paramsFile = join(root, "params.yaml");
    const before = snapshot(paramsFile);

    const result = await runTraining(settings, quiet);

    expect(result.run.status).toBe(status);
    const seen = seenBy(root);
    const effective = { model: { C: 0.001, kernel: "rbf" }, train: { epochs: 2 } };
    expect(seen.file).toEqual(effective);
    expect(seen.env).toEqual(effective);
    expect(isAbsolute(seen.env_path)).toBe(true);
    // Comments survive the rewrite, on their lines.
    expect(seen.text).toContain("# model settings, tuned by hand");
    expect(seen.text).toMatch(/C: 0\.001 *# inverse regularisation/);
    expect(new Bundle(settings.bundleDir).read("run").params).toEqual({
      "model.C": 0.001,
      "model.kernel": "rbf",
      "train.epochs": 2,
    });
    expectUntouched(paramsFile, before);
  });

  it("writes a JSON params file as JSON, in its indentation, and restores it", async () => {
    const original = '{\n    "model": {\n        "C": 1.0,\n        "kernel": "rbf"\n    },\n    "seed": 7\n}\n';
    const { root, settings } = workspace(
      trainYml("/usr/bin/python3 see.py params.json", "params.json"),
      { "see.py": SEEING_SCRIPT, "params.json": original },
      { paramOverrides: { "model.C": 0.01 } },
    );
    const before = snapshot(join(root, "params.json"));
    await runTraining(settings, quiet);
    const seen = seenBy(root);
    expect(seen.file).toEqual({ model: { C: 0.01, kernel: "rbf" }, seed: 7 });
    expect(seen.text).toBe(
      '{\n    "model": {\n        "C": 0.01,\n        "kernel": "rbf"\n    },\n    "seed": 7\n}\n',
    );
    expectUntouched(join(root, "params.json"), before);
  });

  it("gives inline params, and no params at all, through CTRAIN_PARAMS_FILE", async () => {
    const inline = workspace(
      trainYml("/usr/bin/python3 see.py see.py", "{ lr: 0.1, depth: 3 }"),
      {
        "see.py": SEEING_SCRIPT.replace('json.loads(text) if name.endswith(".json") else read_yaml(text)', "None"),
      },
      { paramOverrides: { lr: 0.5 } },
    );
    await runTraining(inline.settings, quiet);
    expect(seenBy(inline.root).env).toEqual({ lr: 0.5, depth: 3 });
    expect(isAbsolute(seenBy(inline.root).env_path)).toBe(true);

    const none = workspace(trainYml("/usr/bin/python3 see.py see.py", undefined), {
      "see.py": SEEING_SCRIPT.replace('json.loads(text) if name.endswith(".json") else read_yaml(text)', "None"),
    });
    const result = await runTraining(none.settings, quiet);
    expect(seenBy(none.root).env).toEqual({});
    expect(result.run.params).toEqual({});
  });

  it("warns about an override of a key the file does not have, naming the closest one", async () => {
    const { root, settings } = workspace(
      trainYml("/usr/bin/python3 see.py params.yaml", "params.yaml"),
      { "see.py": SEEING_SCRIPT, "params.yaml": PARAMS_YAML },
      { paramOverrides: { "model.kernl": "linear", "model.C": 2 } },
    );
    const warnings: string[] = [];
    const result = await runTraining(settings, { log: () => undefined, warn: (line) => warnings.push(line) });
    expect(warnings).toEqual([
      "param override model.kernl sets a key that the params file params.yaml does not have (did you mean model.kernel?)",
    ]);
    // Allowed all the same: a sweep may add a param.
    expect(result.run.params).toMatchObject({ "model.kernl": "linear", "model.kernel": "rbf", "model.C": 2 });
    expect(readFileSync(join(root, "params.yaml"), "utf8")).toBe(PARAMS_YAML);
  });

  it("leaves the params file alone without overrides", async () => {
    const { root, settings } = workspace(trainYml("/usr/bin/python3 see.py params.yaml", "params.yaml"), {
      "see.py": SEEING_SCRIPT,
      "params.yaml": PARAMS_YAML,
    });
    const before = snapshot(join(root, "params.yaml"));
    await runTraining(settings, quiet);
    expect(seenBy(root).text).toBe(PARAMS_YAML);
    expectUntouched(join(root, "params.yaml"), before);
  });
});

describe("a params file a killed run left with its overrides", () => {
  /** What a run killed with SIGKILL leaves: the overridden file and its backup, owned by a process now gone. */
  function leftover(root: string, overrides: Record<string, unknown>, effective: Record<string, unknown>): string {
    const paramsFile = join(root, "params.yaml");
    overrideParamsFile(paramsFile, overrides, effective);
    const dead = spawnSync("true").pid;
    const backupFile = paramsBackupPath(paramsFile);
    const backup = JSON.parse(readFileSync(backupFile, "utf8")) as { pid: number };
    writeFileSync(backupFile, JSON.stringify({ ...backup, pid: dead }));
    return paramsFile;
  }

  it("is restored by the next run, which then reads the original values", async () => {
    const { root, settings } = workspace(trainYml("/usr/bin/python3 see.py params.yaml", "params.yaml"), {
      "see.py": SEEING_SCRIPT,
      "params.yaml": PARAMS_YAML,
    });
    const paramsFile = leftover(root, { "model.C": 9 }, { model: { C: 9, kernel: "rbf" }, train: { epochs: 5 } });
    expect(readFileSync(paramsFile, "utf8")).toContain("C: 9");

    const warnings: string[] = [];
    const result = await runTraining(settings, { log: () => undefined, warn: (line) => warnings.push(line) });
    expect(warnings).toEqual([expect.stringMatching(/^restored .*params.yaml: an interrupted run had left/)]);
    expect(result.run.params["model.C"]).toBe(1);
    expect(readFileSync(paramsFile, "utf8")).toBe(PARAMS_YAML);
    expect(existsSync(paramsBackupPath(paramsFile))).toBe(false);
  });

  it("is not overwritten when it was edited since, nor while its run is alive", async () => {
    const { root, settings } = workspace(trainYml("/usr/bin/python3 see.py params.yaml", "params.yaml"), {
      "see.py": SEEING_SCRIPT,
      "params.yaml": PARAMS_YAML,
    });
    const paramsFile = leftover(root, { "model.C": 9 }, { model: { C: 9, kernel: "rbf" }, train: { epochs: 5 } });
    writeFileSync(paramsFile, "model:\n  C: 3\n");
    await expect(runTraining(settings, quiet)).rejects.toThrow(/params.yaml changed after an interrupted run/);
    expect(readFileSync(paramsFile, "utf8")).toBe("model:\n  C: 3\n");

    const running = spawn("sleep", ["30"]);
    children.push(running.pid!);
    const backupFile = paramsBackupPath(paramsFile);
    writeFileSync(backupFile, JSON.stringify({ ...JSON.parse(readFileSync(backupFile, "utf8")), pid: running.pid }));
    await expect(runTraining(settings, quiet)).rejects.toThrow(
      new RegExp(`another ctrain run \\(process ${running.pid}\\) has written its param overrides`),
    );
  });
});

describe("renderEffectiveParams", () => {
  it("sets list items and new nested keys in a YAML document, keeping its comments", () => {
    const original = "# layers\nmodel:\n  layers: [64, 32] # widths\n";
    const rendered = renderEffectiveParams(
      original,
      "params.yaml",
      { "model.layers.1": 16, "data.split": 0.2 },
      { model: { layers: [64, 16] }, data: { split: 0.2 } },
    );
    expect(rendered).toEqual({
      text: "# layers\nmodel:\n  layers: [64, 16] # widths\ndata:\n  split: 0.2\n",
      layoutKept: true,
    });
  });

  it("writes the values plainly when the document cannot hold an override (a path through an alias)", () => {
    const original = "base: &b { lr: 1 }\nmodel: *b\n";
    const shared = { lr: 2 };
    const rendered = renderEffectiveParams(original, "params.yml", { "model.lr": 2 }, { base: shared, model: shared });
    expect(rendered.layoutKept).toBe(false);
    expect(rendered.text).toMatch(/lr: 2/);
    expect(rendered.text).not.toMatch(/lr: 1/);
  });
});

describe("override keys", () => {
  it.each(["__proto__.polluted=1", "model.constructor=1", "a.prototype.b=1"])("refuses %s", (line) => {
    expect(() => parseParamOverrides(line, "--param")).toThrow(/cannot be a param name/);
  });

  it("refuses them in a JSON mapping too", () => {
    expect(() => parseParamOverrides('{"model": {"__proto__": {"x": 1}}}', "input 'params'")).toThrow(/reserved name/);
  });
});
