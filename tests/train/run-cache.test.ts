import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Bundle, parseConfig, type RunDocument } from "@ctrain/core";
import { LocalRunCacheStore } from "@ctrain/local";
import { runTraining, trainSettingsFromConfig, type RunCacheHooks, type TrainSettings } from "@ctrain/train";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/**
 * A training script that counts its runs in a file outside the workspace (so a skipped run is visible), and
 * writes metrics, predictions and a model that depends on its params and data.
 */
const TRAIN_SH = [
  'echo ran >> "$RUNS_FILE"',
  'mkdir -p "$CTRAIN_OUTPUT_DIR"',
  'cat "$CTRAIN_PARAMS_FILE" data.csv > "$CTRAIN_OUTPUT_DIR/model.bin"',
  'printf \'{"accuracy": 0.91}\\n\' > "$CTRAIN_OUTPUT_DIR/metrics.json"',
  'printf "y_true,y_pred\\n1,1\\n0,1\\n" > "$CTRAIN_OUTPUT_DIR/predictions.csv"',
].join("\n");

function configText(runsFile: string, extra: string[] = []): string {
  return [
    "data:",
    "  datasets:",
    "    rows: { path: data.csv }",
    "train:",
    "  command: sh train.sh",
    "  params: { model: { lr: 0.1 } }",
    "  metrics: ctrain-output/metrics.json",
    "  predictions: ctrain-output/predictions.csv",
    "  model-files: ctrain-output/model.bin",
    `  env: { RUNS_FILE: ${JSON.stringify(runsFile)} }`,
    ...extra,
  ].join("\n");
}

function git(root: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", ...args], {
    cwd: root,
    stdio: "ignore",
  });
}

interface Project {
  root: string;
  runsFile: string;
  store: LocalRunCacheStore;
  settings(options?: {
    paramOverrides?: Record<string, unknown>;
    runner?: { os: string; arch: string };
  }): TrainSettings;
  train(
    settings?: TrainSettings,
    hooks?: Partial<RunCacheHooks>,
  ): Promise<{ run: RunDocument; lines: string[]; warnings: string[] }>;
  runs(): number;
}

/** A git repository with the script above, a dataset, a lockfile and ctrain.yml committed; a store beside it. */
function project(options: { extraConfig?: string[]; git?: boolean } = {}): Project {
  const root = tempDir("ctrain-run-cache-");
  const runsFile = join(tempDir("ctrain-run-cache-runs-"), "runs");
  const files: Record<string, string> = {
    "train.sh": TRAIN_SH,
    "data.csv": "x,y\n1,2\n",
    "requirements.txt": "scikit-learn==1.4.2\n",
    "ctrain.yml": configText(runsFile, options.extraConfig),
    "src/features.py": "FEATURES = ['x']\n",
    ".gitignore": "ctrain-output/\n.ctrain/\n.ctrain-store/\n",
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  if (options.git !== false) {
    git(root, "init", "-q", "-b", "main");
    git(root, "add", ".");
    git(root, "commit", "-q", "-m", "initial");
  }
  const store = new LocalRunCacheStore(join(root, ".ctrain-store"));
  const settings: Project["settings"] = (settingsOptions = {}) =>
    trainSettingsFromConfig(parseConfig(readFileSync(join(root, "ctrain.yml"), "utf8")), {
      root,
      name: "train",
      source: { commit: "a".repeat(40), runId: 7, runUrl: "https://github.com/octo/churn/actions/runs/7" },
      runner: settingsOptions.runner ?? { os: "Linux", arch: "X64" },
      paramOverrides: settingsOptions.paramOverrides,
    });
  return {
    root,
    runsFile,
    store,
    settings,
    async train(trainSettings = settings(), hooks = {}) {
      const lines: string[] = [];
      const warnings: string[] = [];
      rmSync(join(root, ".ctrain"), { recursive: true, force: true });
      const result = await runTraining(trainSettings, {
        log: (line) => lines.push(line),
        warn: (line) => warnings.push(line),
        runCache: { store, excluded: [store.root], ...hooks },
      });
      expect(result.exitCode).toBe(0);
      return { run: new Bundle(trainSettings.bundleDir).read("run"), lines, warnings };
    },
    runs: () => (existsSync(runsFile) ? readFileSync(runsFile, "utf8").split("\n").filter(Boolean).length : 0),
  };
}

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function onlyEntry(store: LocalRunCacheStore): string {
  const entries = readdirSync(store.root).filter((name) => !name.startsWith("."));
  expect(entries).toHaveLength(1);
  return join(store.root, entries[0]!);
}

describe("the run cache", () => {
  it("skips an unchanged re-run: the record, predictions and model file come back, marked cached", async () => {
    const p = project();
    const first = await p.train();
    expect(p.runs()).toBe(1);
    expect(first.run.cached).toBeUndefined();
    expect(first.lines.join("\n")).toMatch(/run cache miss/);
    expect(first.lines.join("\n")).toMatch(/run cache: saved in the local store/);
    const model = join(p.root, "ctrain-output/model.bin");
    const modelSha = sha256(model);
    rmSync(join(p.root, "ctrain-output"), { recursive: true });

    const later = p.settings();
    later.source = { commit: "b".repeat(40), runId: 8 };
    const second = await p.train(later);
    expect(p.runs()).toBe(1);
    expect(second.lines.join("\n")).toMatch(/run cache hit .*training skipped.*commit aaaaaaaaaaaa/);
    expect(second.run.cached).toEqual({
      key: expect.stringMatching(/^ctrain-run-Linux-X64-[0-9a-f]{64}$/),
      source: first.run.source,
      trainedAt: first.run.createdAt,
    });
    expect(second.run.source).toEqual({ commit: "b".repeat(40), runId: 8 });
    expect(second.run.metrics).toEqual(first.run.metrics);
    expect(second.run.params).toEqual(first.run.params);
    expect(second.run.model).toEqual(first.run.model);
    expect(sha256(model)).toBe(modelSha);
    const predictions = second.run.predictions!;
    expect(sha256(join(p.root, ".ctrain", predictions.path))).toBe(predictions.sha256);
    // The staging folder is gone, and untracked outputs did not change the key.
    expect(existsSync(join(p.root, ".ctrain-run-cache"))).toBe(false);
  });

  const changes: [string, (p: Project) => TrainSettings | void][] = [
    [
      "a committed code file",
      (p) => {
        writeFileSync(join(p.root, "src/features.py"), "FEATURES = ['x', 'y']\n");
        git(p.root, "commit", "-qam", "features");
      },
    ],
    [
      "an uncommitted edit of a tracked file",
      (p) => writeFileSync(join(p.root, "train.sh"), `${TRAIN_SH}\n# edited\n`),
    ],
    ["the data", (p) => writeFileSync(join(p.root, "data.csv"), "x,y\n1,3\n")],
    ["a param", (p) => p.settings({ paramOverrides: { "model.lr": 0.2 } })],
    ["a lockfile", (p) => writeFileSync(join(p.root, "requirements.txt"), "scikit-learn==1.5.0\n")],
    ["the runner OS", (p) => p.settings({ runner: { os: "macOS", arch: "X64" } })],
    ["the runner architecture", (p) => p.settings({ runner: { os: "Linux", arch: "ARM64" } })],
    [
      "the command",
      (p) => {
        const settings = p.settings();
        settings.command = "sh ./train.sh";
        return settings;
      },
    ],
  ];

  it.each(changes)("trains again when %s changes", async (_what, change) => {
    const p = project();
    const first = await p.train();
    const settings = change(p) ?? p.settings();
    const second = await p.train(settings);
    expect(p.runs()).toBe(2);
    expect(second.run.cached).toBeUndefined();
    expect(second.lines.join("\n")).toMatch(/run cache miss/);
    // Both results are kept: going back to the first inputs is a hit again.
    expect(readdirSync(p.store.root).filter((name) => !name.startsWith("."))).toHaveLength(2);
    expect(first.run.cached).toBeUndefined();
  });

  it("trains again when a declared environment variable changes, and not for an undeclared one", async () => {
    const p = project({ extraConfig: ["  run-cache: { environment: [CTRAIN_TEST_CUDA] }"] });
    const saved = process.env.CTRAIN_TEST_CUDA;
    try {
      process.env.CTRAIN_TEST_CUDA = "12.1";
      await p.train();
      process.env.CTRAIN_TEST_UNDECLARED = "anything";
      expect((await p.train()).run.cached).toBeDefined();
      process.env.CTRAIN_TEST_CUDA = "12.4";
      expect((await p.train()).run.cached).toBeUndefined();
      expect(p.runs()).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.CTRAIN_TEST_CUDA;
      else process.env.CTRAIN_TEST_CUDA = saved;
      delete process.env.CTRAIN_TEST_UNDECLARED;
    }
  });

  it("fingerprints only the named code paths when train.run-cache.code is set", async () => {
    const p = project({ extraConfig: ["  run-cache: { code: [train.sh, src] }"] });
    await p.train();
    writeFileSync(join(p.root, "README.md"), "docs only\n");
    git(p.root, "add", "README.md");
    expect((await p.train()).run.cached).toBeDefined();
    writeFileSync(join(p.root, "src/features.py"), "FEATURES = []\n");
    expect((await p.train()).run.cached).toBeUndefined();
    expect(p.runs()).toBe(2);
  });

  it("trains with --force, and is off with run-cache: false", async () => {
    const p = project();
    await p.train();
    const forced = await p.train(undefined, { force: true });
    expect(forced.run.cached).toBeUndefined();
    expect(forced.lines.join("\n")).toMatch(/run cache: forced, training runs/);
    expect(p.runs()).toBe(2);

    const off = project({ extraConfig: ["  run-cache: false"] });
    await off.train();
    await off.train();
    expect(off.runs()).toBe(2);
    expect(existsSync(off.store.root)).toBe(false);
  });

  it("is off outside git unless the code is named, and says why", async () => {
    const p = project({ git: false });
    const first = await p.train();
    expect(first.lines.join("\n")).toMatch(/run cache off: the workspace is not a git repository/);
    await p.train();
    expect(p.runs()).toBe(2);

    const named = project({ git: false, extraConfig: ["  run-cache: { code: [train.sh, src] }"] });
    await named.train();
    expect((await named.train()).run.cached).toBeDefined();
    expect(named.runs()).toBe(1);
  });

  it("never saves through a store that may only read (a fork's pull request)", async () => {
    const p = project();
    const readOnly = Object.assign(Object.create(p.store) as LocalRunCacheStore, {
      readOnlyReason: "a pull request from a fork may read the run cache but never writes it",
    });
    const first = await p.train(undefined, { store: readOnly });
    expect(first.lines.join("\n")).toMatch(/not saved: a pull request from a fork/);
    expect(existsSync(p.store.root)).toBe(false);
    // It still reads what a trusted run saved.
    await p.train();
    expect((await p.train(undefined, { store: readOnly })).run.cached).toBeDefined();
    expect(p.runs()).toBe(2);
  });

  const outside = join(tmpdir(), `ctrain-run-cache-escape-${process.pid}`);
  const poisons: [string, (entry: string) => void, RegExp, Partial<RunCacheHooks>?][] = [
    [
      "a run.json that does not fit its schema",
      (entry) => writeFileSync(join(entry, "bundle/run.json"), '{"schema": "ctrain.run/v1", "name": 5}'),
      /run\.json/,
    ],
    [
      "a model file whose sha256 differs from run.json",
      (entry) => writeFileSync(join(entry, "model/ctrain-output/model.bin"), "a different model"),
      /ctrain-output\/model\.bin has sha256 [0-9a-f]{64}, but run\.json records/,
    ],
    [
      "predictions whose sha256 differs from run.json",
      (entry) => writeFileSync(join(entry, "bundle/predictions/predictions.csv"), "y_true,y_pred\n"),
      /predictions\/predictions\.csv has sha256/,
    ],
    [
      "an entry recorded under another key",
      (entry) => {
        const file = join(entry, "entry.json");
        const document = JSON.parse(readFileSync(file, "utf8")) as { key: string };
        // Another last digit: the key ends in 0 one time in 16, and writing 0 would leave it as it was.
        const last = document.key.endsWith("0") ? "1" : "0";
        writeFileSync(file, JSON.stringify({ ...document, key: `${document.key.slice(0, -1)}${last}` }));
      },
      /saved under another key/,
    ],
    [
      "a model path that escapes the folder",
      (entry) => {
        const file = join(entry, "bundle/run.json");
        const run = JSON.parse(readFileSync(file, "utf8")) as RunDocument;
        run.model.files[0]!.path = `../../../../../../..${outside}`;
        writeFileSync(file, JSON.stringify(run));
      },
      /a relative path that stays inside its folder/,
    ],
    [
      "a link in place of the model file",
      (entry) => {
        rmSync(join(entry, "model/ctrain-output/model.bin"));
        symlinkSync("/etc/hostname", join(entry, "model/ctrain-output/model.bin"));
      },
      /symbolic link/,
    ],
    ["an entry above the size ceiling", () => undefined, /larger than 64 bytes/, { maxEntryBytes: 64 }],
    ["an entry without its model file", (entry) => rmSync(join(entry, "model"), { recursive: true }), /missing/],
  ];

  it.each(poisons)("refuses %s with a note, and trains", async (_what, poison, reason, hooks) => {
    const p = project();
    const first = await p.train();
    poison(onlyEntry(p.store));
    const second = await p.train(undefined, hooks);
    expect(p.runs()).toBe(2);
    expect(second.run.cached).toBeUndefined();
    expect(second.warnings).toEqual([
      expect.stringMatching(/^the run cache entry ctrain-run-\S+ was refused and training runs: /),
    ]);
    expect(second.warnings[0]).toMatch(reason);
    expect(second.run.metrics).toEqual(first.run.metrics);
    expect(existsSync(outside)).toBe(false);
    // The fresh results replace the poisoned entry: the next run is a clean hit.
    if (!hooks) expect((await p.train()).run.cached).toBeDefined();
  });
});
