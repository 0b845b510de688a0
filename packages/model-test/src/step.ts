import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import {
  Bundle,
  MODEL_TEST_FIGURE_LABELS,
  UserError,
  confinedPath,
  durationToMs,
  type CtrainConfig,
  type ModelTestConfig,
  type ModelTestDocument,
  type RunSource,
} from "@ctrain/core";
import { LogTail, inheritedEnvironment } from "@ctrain/train";
import { loadContract, type Contract } from "./contract.js";
import { BYTES_PER_MIB, describeBudgetFailure, judgeFigures, latencyPercentiles, type FigureName } from "./figures.js";
import { readGoldenInputs, type GoldenInput } from "./golden-inputs.js";
import {
  MODEL_DIR_VARIABLE,
  MODEL_FILES_VARIABLE,
  checkMountable,
  commandArgv,
  describeCommand,
  parseResponse,
} from "./protocol.js";
import { ServeFailure, ServeSession } from "./serve-session.js";

export interface ModelTestStepOptions {
  config: CtrainConfig;
  /** The workspace: model files in run.json are relative to it, and so are the config's paths. */
  root: string;
  /** The bundle the train step wrote; model-test.json goes here and the figures into its run.json. */
  bundleDir: string;
  source?: RunSource;
  log?: (line: string) => void;
}

type Failure = ModelTestDocument["failures"][number];

/** Failures kept in model-test.json; the first ones say what is wrong, the rest would repeat it. */
const FAILURES_MAX = 50;
/** Lines of the command's log kept for the report. */
const LOG_TAIL_LINES = 50;
/** The longest response line read; a longer one is a protocol failure rather than unbounded memory. */
const RESPONSE_MAX_CHARS = 1024 * 1024;
/** Between closing stdin and stopping the tree, and between TERM and KILL. */
const STOP_GRACE_MS = 2000;

/** The section the step runs from; without one there is nothing to test. */
export function modelTestSection(config: CtrainConfig, configFile = "ctrain.yml"): ModelTestConfig {
  const section = config["model-test"];
  if (!section) {
    throw new UserError("no model test is configured: ctrain.yml has no `model-test:` section", {
      location: configFile,
      hint: "add model-test: { command: ..., inputs: ... } (docs/actions/model-test.md)",
    });
  }
  return section;
}

/**
 * The model-test step, the same in the action and the CLI: start the load-and-predict command against the run's model
 * files in a clean process, check every golden input's response against the contract, time the requests, judge the
 * figures against their budgets, and record it all in model-test.json and the figures as run metrics. A model that
 * fails is recorded, not thrown; a config that cannot be acted on is a UserError.
 */
export async function runModelTestStep(options: ModelTestStepOptions): Promise<ModelTestDocument> {
  const log = options.log ?? (() => undefined);
  const test = modelTestSection(options.config);
  const root = resolve(options.root);
  const bundle = new Bundle(options.bundleDir);
  const run = bundle.read("run");
  if (run.status !== "succeeded") {
    throw new UserError(`the training run ended as ${run.status}: there is no model to test`, {
      location: bundle.path("run.json"),
      hint: "fix the training run first",
    });
  }
  if (run.model.files.length === 0) {
    throw new UserError("the run recorded no model files to test", {
      location: bundle.path("run.json"),
      hint: "set train.model-files to the files the model is saved in",
    });
  }
  const modelFiles = run.model.files.map((file) => {
    const path = confinedPath(root, file.path);
    if (!existsSync(path)) {
      throw new UserError(`the model file ${file.path} recorded in run.json is not in the workspace`, {
        location: root,
        hint: "run the model test in the job that trained the model, or restore the model files first",
      });
    }
    return path;
  });
  const modelBytes = modelFiles.reduce((total, path) => total + statSync(path).size, 0);

  const cwd = confinedPath(root, test["working-directory"]);
  const inputs = await readGoldenInputs(test.inputs, { format: test.format, cwd });
  const contract = await loadContract(test.contract, { cwd, inputs });
  const container = test.image ? containerFor(test, root, cwd) : undefined;

  const logTail = new LogTail(LOG_TAIL_LINES);
  const env: NodeJS.ProcessEnv = {
    ...inheritedEnvironment(process.env),
    PYTHONUNBUFFERED: process.env.PYTHONUNBUFFERED ?? "1",
    ...test.env,
    [MODEL_DIR_VARIABLE]: root,
    [MODEL_FILES_VARIABLE]: JSON.stringify(modelFiles),
  };
  log(`model: ${modelFiles.length} file(s), ${(modelBytes / BYTES_PER_MIB).toFixed(2)} MiB`);
  log(`starting ${describeCommand(test.command)}${test.image ? ` in ${test.image}` : ""}`);
  const measured = await serve({
    argv: commandArgv(test.command, container),
    cwd,
    env,
    test,
    inputs,
    contract,
    logTail,
    log,
  }).finally(() => container && removeContainer(container.name));
  logTail.end();
  if (measured.failures.some((failure) => failure.kind === "load")) {
    log("the command's last lines:");
    for (const line of logTail.toArray()) log(`  ${line}`);
  }

  const failures = measured.failures;
  const figures = judgeFigures({ ...measured.figures, "model-size-mb": modelBytes / BYTES_PER_MIB }, test.budgets);
  if (!failures.some((failure) => failure.kind === "load" || failure.kind === "protocol")) {
    for (const [name, budget] of Object.entries(test.budgets) as [FigureName, number | undefined][]) {
      if (budget !== undefined && !figures.some((figure) => figure.name === name)) {
        failures.push({
          kind: "budget",
          message: `${MODEL_TEST_FIGURE_LABELS[name]} could not be measured on this machine, so its budget cannot be checked (model-test.budgets.${name})`,
        });
      }
    }
  }
  for (const figure of figures) {
    if (!figure.passed) failures.push({ kind: "budget", message: describeBudgetFailure(figure) });
  }

  const document: ModelTestDocument = {
    schema: "ctrain.model-test/v1",
    createdAt: new Date().toISOString(),
    ...(options.source ? { source: options.source } : {}),
    command: describeCommand(test.command),
    ...(test.image ? { image: test.image } : {}),
    passed: failures.length === 0,
    failures: failures.slice(0, FAILURES_MAX),
    inputs: { file: relative(root, resolve(cwd, test.inputs)), requests: inputs.length },
    ...(contract
      ? {
          contract: {
            ...(contract.schema ? { schema: relative(root, resolve(cwd, contract.schema)) } : {}),
            ...(contract.expected ? { expected: relative(root, resolve(cwd, contract.expected)) } : {}),
            checked: measured.checked,
            failed: measured.contractFailed,
          },
        }
      : {}),
    figures,
    ...(measured.latency ? { latency: measured.latency } : {}),
    model: { files: modelFiles.length, bytes: modelBytes },
    logTail: logTail.toArray(),
  };
  bundle.write("model-test", document);
  const metrics = Object.fromEntries(figures.map((figure) => [figure.metric, figure.value]));
  bundle.write("run", { ...run, metrics: { ...run.metrics, ...metrics } });
  return document;
}

/** Why the model test failed, one failure a line: `golden.jsonl:2: score: the response breaks ...`. */
export function describeModelTestFailures(document: ModelTestDocument): string {
  const lines = document.failures.map((failure) =>
    [failure.location, failure.field, failure.message].filter((part) => part !== undefined).join(": "),
  );
  return [`model test failed: ${lines[0] ?? "no reason recorded"}`, ...lines.slice(1).map((line) => `  ${line}`)].join(
    "\n",
  );
}

interface ServeRun {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  test: ModelTestConfig;
  inputs: readonly GoldenInput[];
  contract: Contract | undefined;
  logTail: LogTail;
  log: (line: string) => void;
}

interface ServeMeasurements {
  failures: Failure[];
  figures: Partial<Record<FigureName, number>>;
  latency?: ModelTestDocument["latency"];
  /** Responses checked against the contract, and how many broke it. */
  checked: number;
  contractFailed: number;
}

/** Loads the model, checks each golden input once, warms up, then times the requests; the session always stops. */
async function serve(run: ServeRun): Promise<ServeMeasurements> {
  const { test, inputs } = run;
  const result: ServeMeasurements = { failures: [], figures: {}, checked: 0, contractFailed: 0 };
  let session: ServeSession | undefined;
  let current: GoldenInput | undefined;
  try {
    session = await ServeSession.start({
      argv: run.argv,
      cwd: run.cwd,
      env: run.env,
      readyTimeoutMs: durationToMs(test["ready-timeout"]),
      requestTimeoutMs: durationToMs(test["request-timeout"]),
      stopGraceMs: STOP_GRACE_MS,
      logTail: run.logTail,
      maxLineChars: RESPONSE_MAX_CHARS,
    });
    result.figures["cold-start-ms"] = await session.ready();
    run.log(`ready after ${result.figures["cold-start-ms"].toFixed(0)} ms`);

    for (const [index, input] of inputs.entries()) {
      current = input;
      const { response } = await session.request(JSON.stringify(input.request));
      const parsed = parseResponse(response);
      if ("problem" in parsed) {
        result.failures.push({ kind: "protocol", message: parsed.problem, location: input.location });
        return result;
      }
      if (!run.contract) continue;
      result.checked++;
      const violations = run.contract.check(parsed.value, index, input);
      if (violations.length > 0) result.contractFailed++;
      for (const violation of violations) result.failures.push({ kind: "contract", ...violation });
    }
    run.log(
      run.contract
        ? `contract: ${result.checked - result.contractFailed} of ${result.checked} responses conform`
        : `${inputs.length} golden inputs answered (no contract declared)`,
    );

    for (let i = 0; i < test["warm-up"]; i++) {
      current = inputs[i % inputs.length]!;
      await session.request(JSON.stringify(current.request));
    }
    const latencies: number[] = [];
    for (let i = 0; i < test.requests; i++) {
      current = inputs[i % inputs.length]!;
      latencies.push((await session.request(JSON.stringify(current.request))).latencyMs);
    }
    current = undefined;
    Object.assign(result.figures, latencyPercentiles(latencies));
    result.latency = {
      requests: latencies.length,
      warmUp: test["warm-up"],
      meanMs: latencies.reduce((sum, value) => sum + value, 0) / latencies.length,
      maxMs: Math.max(...latencies),
    };
    run.log(
      `latency over ${latencies.length} requests: p50 ${result.figures["p50-ms"]!.toFixed(2)} ms, p95 ${result.figures["p95-ms"]!.toFixed(2)} ms, p99 ${result.figures["p99-ms"]!.toFixed(2)} ms`,
    );
  } catch (error) {
    if (!(error instanceof ServeFailure)) throw error;
    const message = error.kind === "load" ? `the model could not be loaded: ${error.message}` : error.message;
    result.failures.push({ kind: error.kind, message, ...(current ? { location: current.location } : {}) });
  } finally {
    await session?.stop();
    const peak = session?.peakRssBytes;
    // The memory of a model that never loaded says nothing about serving it.
    if (peak && !test.image && result.figures["cold-start-ms"] !== undefined) {
      result.figures["peak-memory-mb"] = peak / BYTES_PER_MIB;
    }
  }
  return result;
}

/** The docker run settings, after checking Docker answers: a clear error when it is missing or not running. */
function containerFor(test: ModelTestConfig, root: string, cwd: string) {
  const probe = spawnSync("docker", ["version", "--format", "{{.Server.Version}}"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    const why = probe.error
      ? probe.error.message
      : (probe.stderr || "").trim().split("\n")[0] || `exit ${probe.status}`;
    throw new UserError(`model-test.image is set, but Docker is not available: ${why}`, {
      location: "model-test.image",
      hint: "run on a runner with Docker (ubuntu-latest has it), or remove `image` to run the command directly",
    });
  }
  checkMountable(root);
  return {
    image: test.image!,
    name: `ctrain-model-test-${randomUUID()}`,
    mount: root,
    cwd,
    env: [MODEL_DIR_VARIABLE, MODEL_FILES_VARIABLE, "PYTHONUNBUFFERED", ...Object.keys(test.env)],
  };
}

/** Stopping the docker client leaves the container running; remove it by the name it was given. */
function removeContainer(name: string): void {
  spawnSync("docker", ["rm", "--force", name], { stdio: "ignore" });
}
