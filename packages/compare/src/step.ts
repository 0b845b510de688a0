import { existsSync } from "node:fs";
import { glob } from "tinyglobby";
import {
  Bundle,
  UserError,
  type BaselineSource,
  type CompareConfig,
  type ComparisonDocument,
  type CtrainConfig,
  type RunSource,
  type StepVerdict,
} from "@ctrain/core";
import { compareRuns, type CompareResult } from "./compare-runs.js";
import { recordEvaluatedMetrics } from "./record-evaluation.js";
import { sideOfBaseline, sideOfBundle } from "./sides.js";

export interface CompareStepOptions {
  config: CtrainConfig;
  /** The bundle the candidate's train step wrote; comparison.json goes here. */
  bundleDir: string;
  /** Sweeps: candidate bundle folders or glob patterns of them, relative to `cwd` (the best is compared). */
  candidates?: { patterns: string[]; cwd: string };
  baselines: BaselineSource;
  source?: RunSource;
  log?: (line: string) => void;
}

/** The candidate folders the patterns name, sorted; a pattern naming nothing is the user's to fix. */
async function candidateFolders(patterns: string[], cwd: string): Promise<string[]> {
  const folders = await glob(patterns, { cwd, onlyDirectories: true, absolute: true, expandDirectories: false });
  if (folders.length === 0) {
    throw new UserError(
      `no candidate bundle folder matches ${patterns.map((pattern) => JSON.stringify(pattern)).join(", ")}`,
      {
        location: cwd,
        hint: "name the folders the sweep's train steps wrote, e.g. --candidates 'sweep/*'",
      },
    );
  }
  return folders.map((folder) => folder.replace(/\/$/, "")).sort();
}

/** How many of the base branch's runs a noise band looks at. */
const NOISE_BAND_HISTORY = 10;

/** The compare step's outputs, as the action declares them. */
export type CompareOutputs = {
  verdict: string;
  passed: boolean;
  "failed-metrics": string;
  "best-run": string;
  baseline: string;
  "comparison-path": string;
};

/**
 * The compare step, the same in the action and the CLI: resolve the baseline, compare, write comparison.json and
 * record the verdict in run.json so publish can act on it without recomputing.
 */
export async function runCompareStep(
  options: CompareStepOptions,
): Promise<CompareResult & { verdict: StepVerdict; outputs: CompareOutputs }> {
  const log = options.log ?? (() => undefined);
  const compare = options.config.compare;
  const bundle = new Bundle(options.bundleDir);
  await recordEvaluatedMetrics(bundle, compare);
  const candidateDirs = options.candidates?.patterns.length
    ? await candidateFolders(options.candidates.patterns, options.candidates.cwd)
    : [options.bundleDir];
  const candidates = candidateDirs.map((dir) => {
    if (!existsSync(dir)) throw new UserError(`candidate bundle folder not found: ${dir}`);
    const candidateBundle = dir === options.bundleDir ? bundle : new Bundle(dir, { untrusted: true });
    const side = sideOfBundle(candidateBundle, "candidate");
    return { ...side, label: candidateDirs.length > 1 ? (side.run?.name ?? dir) : "candidate" };
  });

  log(`baseline: ${compare.baseline}`);
  const resolved = await options.baselines.resolve(compare.baseline);
  log(`baseline: ${resolved.origin.description}`);
  for (const note of resolved.origin.notes) log(`  ${note}`);
  const baseline = sideOfBaseline(resolved);

  // Without paired predictions, the base branch's trusted runs give the noise band that tests a change; with no
  // baseline there is no change to test, so no history is asked for.
  const gated = Object.keys(compare.metrics).length > 0;
  const pairedPossible = candidates.every((side) => side.predictionsPath) && baseline?.predictionsPath;
  const history = gated && baseline && !pairedPossible ? await options.baselines.history(NOISE_BAND_HISTORY) : [];

  const result = await compareRuns({
    candidates,
    baseline,
    origin: resolved.origin,
    config: compare,
    history,
    source: options.source,
    log,
  });
  bundle.write("comparison", result.document);
  if (bundle.has("run")) {
    const run = bundle.read("run");
    bundle.write("run", { ...run, verdicts: { ...run.verdicts, comparison: result.document.verdict } });
  }
  const { document } = result;
  const outputs = {
    verdict: document.verdict,
    passed: document.verdict !== "failed",
    "failed-metrics": document.failed.join(","),
    "best-run": document.bestRun ?? "",
    baseline: document.baseline.description,
    "comparison-path": bundle.path("comparison.json"),
  };
  return { ...result, verdict: compareVerdict(document, compare), outputs };
}

/** Failed gates fail the step unless fail-on-regression is off, when they are a warning. */
export function compareVerdict(document: ComparisonDocument, config: CompareConfig): StepVerdict {
  if (document.verdict !== "failed") return { passed: true, reasons: [], warnings: [] };
  const reason = `gates failed: ${document.failed.join(", ")}`;
  return config["fail-on-regression"]
    ? { passed: false, reasons: [reason], warnings: [] }
    : { passed: true, reasons: [], warnings: [`${reason} (fail-on-regression is off)`] };
}
