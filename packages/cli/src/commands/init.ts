import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import packageJson from "../../../../package.json" with { type: "json" };
import { CONFIG_FILE_NAME, DEFAULT_BUNDLE_DIR, UserError, writeFileAtomic } from "@ctrain/core";
import { DEFAULT_STORE_DIR, GitRepository } from "@ctrain/local";
import { DEFAULT_OUTPUT_DIR } from "@ctrain/train";
import { COMMON_OPTIONS, stringOption, type Command } from "../command.js";
import { terminal } from "../terminal.js";

/** `owner/name` of ctrain's own repository, from package.json: the one place it is written for the CLI. */
const CTRAIN_REPOSITORY = /github\.com[/:]([\w.-]+\/[\w-]+)/.exec(packageJson.repository.url)![1]!;
/** The major tag users pin: it moves to every release of this major version. */
const CTRAIN_MAJOR_TAG = `v${packageJson.version.split(".")[0]}`;

const WORKFLOW_FILE = ".github/workflows/ctrain.yml";
/** What ctrain writes that no one commits: the run bundle, the local store, the reports' default folder. */
const IGNORED_PATHS = [`${DEFAULT_BUNDLE_DIR}/`, `${DEFAULT_STORE_DIR}/`, `${DEFAULT_OUTPUT_DIR}/`];

const DATA_EXTENSIONS = /\.(csv|tsv|jsonl|parquet)(\.gz)?$/;
const TRAINING_SCRIPTS = ["train.py", "train.js", "train.mjs", "train.sh"];
const SCRIPT_RUNNERS: Record<string, string> = { py: "python", js: "node", mjs: "node", sh: "bash" };

export interface ProjectSurvey {
  kind: "python" | "node" | "other";
  /** The manifest that decided the kind (requirements.txt, pyproject.toml, package.json). */
  manifest?: string;
  defaultBranch: string;
  /** Data files relative to the root, under data/ or at the root. */
  dataFiles: string[];
  trainingScript?: string;
  trainCommand?: string;
  installCommand?: string;
  paramsFile?: string;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

function filesIn(root: string, dir: string, depth: number): string[] {
  const folder = join(root, dir);
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith("."))
    .flatMap((entry) => {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isFile()) return [path];
      return entry.isDirectory() && depth > 0 ? filesIn(root, path, depth - 1) : [];
    })
    .sort();
}

function findTrainingScript(root: string): string | undefined {
  const scripts = filesIn(root, "scripts", 0).filter((path) => /^scripts\/train\.(py|js|mjs|sh)$/.test(path));
  return [...TRAINING_SCRIPTS.filter((name) => existsSync(join(root, name))), ...scripts][0];
}

/** Looks at a project the way a newcomer would: its language, its branch, its data and its training script. */
export function surveyProject(root: string): ProjectSurvey {
  const has = (name: string) => existsSync(join(root, name));
  const trainingScript = findTrainingScript(root);
  const runner = trainingScript && SCRIPT_RUNNERS[trainingScript.split(".").pop()!];
  const survey: ProjectSurvey = {
    kind: "other",
    defaultBranch: new GitRepository(root).defaultBranch(),
    dataFiles: [...filesIn(root, "", 0), ...filesIn(root, "data", 2)].filter((path) => DATA_EXTENSIONS.test(path)),
    trainingScript,
    trainCommand: runner ? `${runner} ${trainingScript}` : undefined,
    paramsFile: ["params.json", "params.yaml", "params.yml"].find(has),
  };
  const python = ["requirements.txt", "pyproject.toml"].find(has);
  if (python) {
    return {
      ...survey,
      kind: "python",
      manifest: python,
      installCommand: python === "requirements.txt" ? "pip install -r requirements.txt" : "pip install .",
    };
  }
  if (has("package.json")) {
    const scripts = (readJson(join(root, "package.json")) as { scripts?: Record<string, unknown> } | undefined)
      ?.scripts;
    return {
      ...survey,
      kind: "node",
      manifest: "package.json",
      installCommand: has("package-lock.json") ? "npm ci" : "npm install",
      trainCommand: typeof scripts?.train === "string" ? "npm run train" : survey.trainCommand,
    };
  }
  return survey;
}

/** Dataset names from file names (`data/train.csv` -> `train`), made unique and valid as config keys. */
function datasetNames(files: string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const file of files) {
    const stem = basename(file)
      .replace(DATA_EXTENSIONS, "")
      .replace(/[^A-Za-z0-9._-]/g, "-")
      .replace(/^[._-]+/, "");
    let name = stem || "data";
    for (let n = 2; names.has(name); n++) name = `${stem || "data"}-${n}`;
    names.set(name, file);
  }
  return names;
}

function yamlString(value: string): string {
  return /^[\w./ -]+$/.test(value) && !/^[\d-]/.test(value) && !value.endsWith(" ") ? value : JSON.stringify(value);
}

function ctrainConfigText(survey: ProjectSurvey, modelName: string): string {
  const datasets = [...datasetNames(survey.dataFiles)].flatMap(([name, file]) => [
    `    ${name}:`,
    `      path: ${yamlString(file)}`,
    "      # label: target          # the label column: class balance, new and conflicting labels",
    "      # key: id                # columns whose values must be unique together",
  ]);
  return [
    `# yaml-language-server: $schema=https://raw.githubusercontent.com/${CTRAIN_REPOSITORY}/${CTRAIN_MAJOR_TAG}/schemas/ctrain.schema.json`,
    `# Written by \`ctrain init\`. Every key: https://github.com/${CTRAIN_REPOSITORY}/blob/${CTRAIN_MAJOR_TAG}/docs/config.md`,
    "",
    "# The model this repository trains: releases are tagged <name>@v<version>.",
    "model:",
    `  name: ${yamlString(modelName)}`,
    "",
    ...(datasets.length
      ? [
          "# Validated and profiled before training, and compared with the baseline's data for drift.",
          "data:",
          "  datasets:",
          ...datasets,
        ]
      : ["# data:", "#   datasets:", "#     train: { path: data/train.csv, label: target }"]),
    "",
    "train:",
    survey.trainCommand
      ? `  command: ${yamlString(survey.trainCommand)}`
      : "  command: ./train.sh           # TODO: the command that trains your model",
    ...(survey.paramsFile ? [`  params: ${survey.paramsFile}                # --param key=value overrides one`] : []),
    "  # What the command writes, relative to the repository root:",
    "  metrics: out/metrics.json       # a JSON, YAML or CSV file of metric values",
    "  # predictions: out/predictions.csv   # y_true, y_pred, score: ctrain evaluates them and tests significance",
    "  # model-files: out/model.*           # recorded with their sha256, published on release",
    "",
    "compare:",
    "  # One gate per metric: which way is better, a floor, and how much worse than the baseline is tolerated.",
    "  metrics: {}",
    "  #   accuracy: { direction: higher, min: 0.8, change: { absolute: -0.01 } }",
    "  #   log_loss: { direction: lower, change: { relative: -0.05 }, significance: regression }",
    "",
  ].join("\n");
}

function workflowText(survey: ProjectSurvey): string {
  const inputs: [string, string][] = [
    ...(survey.kind === "python" ? [["python-version", '"3.12"'] as [string, string]] : []),
    ...(survey.kind === "node" ? [["node-version", '"24"'] as [string, string]] : []),
    ...(survey.installCommand ? [["install-command", yamlString(survey.installCommand)] as [string, string]] : []),
  ];
  return [
    "# Written by `ctrain init`. Pushes to the default branch record the baselines; every pull request is",
    "# validated, trained, compared with the base branch's run at its merge-base, and reported in one comment.",
    `# Inputs: https://github.com/${CTRAIN_REPOSITORY}/blob/${CTRAIN_MAJOR_TAG}/docs/workflows.md`,
    "name: ctrain",
    "on:",
    "  pull_request:",
    "  push:",
    `    branches: [${yamlString(survey.defaultBranch)}]`,
    "jobs:",
    "  ctrain:",
    `    uses: ${CTRAIN_REPOSITORY}/.github/workflows/continuous-training.yml@${CTRAIN_MAJOR_TAG}`,
    "    permissions: { contents: write, actions: read, pull-requests: write, checks: write }",
    ...(inputs.length ? ["    with:", ...inputs.map(([key, value]) => `      ${key}: ${value}`)] : []),
    "",
  ].join("\n");
}

/** The .gitignore with the entries it lacks appended; undefined when it has them all. */
function gitignoreWithCtrain(current: string | undefined): string | undefined {
  const lines = new Set((current ?? "").split(/\r?\n/).map((line) => line.trim().replace(/^\//, "")));
  const missing = IGNORED_PATHS.filter((path) => !lines.has(path) && !lines.has(path.slice(0, -1)));
  if (missing.length === 0) return undefined;
  const head = current && !current.endsWith("\n") ? `${current}\n` : (current ?? "");
  return `${head}${head ? "\n" : ""}# ctrain: run bundles, the local store, reports\n${missing.join("\n")}\n`;
}

function modelNameFor(root: string): string {
  const manifest = readJson(join(root, "package.json")) as { name?: unknown } | undefined;
  const name = typeof manifest?.name === "string" ? manifest.name.replace(/^@[^/]+\//, "") : basename(root);
  return name.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[._-]+/, "") || "model";
}

export const initCommand: Command = {
  name: "init",
  summary: "set up ctrain in this project: ctrain.yml, the GitHub workflow and .gitignore entries",
  usage: "ctrain init [--directory <dir>] [--model <name>] [--force]",
  options: {
    help: COMMON_OPTIONS.help,
    directory: {
      type: "string",
      short: "C",
      description: "the project root (default: the current folder)",
      valueName: "dir",
    },
    model: { type: "string", description: "the model's name (default: the project's name)", valueName: "name" },
    force: { type: "boolean", description: "overwrite ctrain.yml and the workflow when they exist" },
  },
  async run(values) {
    const root = resolve(stringOption(values, "directory") ?? ".");
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      throw new UserError("not a folder", { location: root, hint: "pass the project's root with --directory" });
    }
    const survey = surveyProject(root);
    const files = new Map([
      [CONFIG_FILE_NAME, ctrainConfigText(survey, stringOption(values, "model") ?? modelNameFor(root))],
      [WORKFLOW_FILE, workflowText(survey)],
    ]);
    const existing = [...files.keys()].filter((path) => existsSync(join(root, path)));
    if (existing.length && !values.force) {
      throw new UserError(
        `${existing.join(" and ")} already ${existing.length > 1 ? "exist" : "exists"}: nothing written`,
        {
          location: root,
          hint: "compare with `ctrain init --force` in a clean working tree (git diff shows what changed), or edit by hand",
        },
      );
    }
    const gitignorePath = join(root, ".gitignore");
    const gitignore = gitignoreWithCtrain(existsSync(gitignorePath) ? readFileSync(gitignorePath, "utf8") : undefined);
    if (gitignore !== undefined) files.set(".gitignore", gitignore);
    for (const [path, text] of files) writeFileAtomic(join(root, path), text);

    const shown = relative(process.cwd(), root) || ".";
    const found = [
      `${survey.kind} project${survey.manifest ? ` (${survey.manifest})` : ""}, default branch ${survey.defaultBranch}`,
      `training: ${survey.trainCommand ?? "no training script found: set train.command"}`,
      `data: ${survey.dataFiles.length ? survey.dataFiles.join(", ") : "none found under data/ or the root"}`,
    ];
    const inFolder = shown === "." ? "" : ` -C ${shown}`;
    terminal.out.write(
      [
        ...found,
        `wrote ${[...files.keys()].join(", ")}`,
        "",
        "next:",
        `  ctrain${inFolder} run          # the whole pipeline here; the report lands in ${DEFAULT_BUNDLE_DIR}/report.html`,
        `  git${shown === "." ? "" : ` -C ${shown}`} add ${[...files.keys()].join(" ")} && git commit -m "Add ctrain"`,
        `  git${shown === "." ? "" : ` -C ${shown}`} push                  # then open a pull request: ctrain comments on it`,
        "",
      ].join("\n"),
    );
    return 0;
  },
};
