import type { RunDocument } from "../bundle/documents.js";
import type { Bundle } from "../bundle/io.js";
import { UserError } from "../errors.js";

/**
 * Which run is a trusted baseline, decided once for both hosts. The hosts (GitHub workflow runs, the local run
 * store) only answer the questions asked through `RunHistory`; no host decides on its own.
 */

export const BASELINE_SPEC_HINT =
  "use auto, none, branch:<name>, release:<tag|latest>, run:<id>, git:<ref> or path:<folder>";

/** A parsed `compare.baseline`. */
export type ParsedBaselineSpec =
  | { kind: "auto" }
  | { kind: "none" }
  | { kind: "branch"; branch: string }
  | { kind: "release"; release: string }
  | { kind: "run"; run: string }
  | { kind: "git"; ref: string }
  | { kind: "path"; folder: string };

// Refs reach git as arguments: a leading `-` would read as an option; the rest follows `git check-ref-format`.
const REF_NAME = /^(?!-)(?!.*\.\.)(?!.*@\{)(?!.*\/\/)(?!\/)(?!.*[/.]$)(?!.*\.lock$)[^\s\p{Cc}~^:?*[\\]+$/u;
/** `run:<id>`: a workflow run id on GitHub, `<sequence>` or `<branch>/<sequence>` in the local store. */
const RUN_ID = /^(?:\d+|[^\s\p{Cc}]+\/\d+)$/u;
const PRINTABLE = /^\P{Cc}+$/u;

const VALUE_RULES: Record<string, { pattern: RegExp; expected: string }> = {
  branch: { pattern: REF_NAME, expected: "a branch name" },
  release: { pattern: PRINTABLE, expected: "a release tag, `latest` or a version range" },
  run: { pattern: RUN_ID, expected: "a run id (a number, or `<branch>/<n>` from `ctrain runs`)" },
  git: { pattern: REF_NAME, expected: "a git ref (a branch, tag or commit)" },
  path: { pattern: PRINTABLE, expected: "a bundle folder" },
};

/** Parses a baseline spec; a wrong one is the user's to fix, named with where it came from. */
export function parseBaselineSpec(spec: string, location = "compare.baseline"): ParsedBaselineSpec {
  if (spec === "auto" || spec === "none") return { kind: spec };
  const colon = spec.indexOf(":");
  const kind = colon > 0 ? spec.slice(0, colon) : spec;
  const value = colon > 0 ? spec.slice(colon + 1) : "";
  const shown = JSON.stringify(spec.slice(0, 200));
  const rule = VALUE_RULES[kind];
  if (!rule) throw new UserError(`unknown baseline ${shown}`, { location, hint: BASELINE_SPEC_HINT });
  if (!rule.pattern.test(value))
    throw new UserError(
      `baseline ${shown}: expected ${kind}:<${kind === "path" ? "folder" : kind}> with ${rule.expected}`,
      {
        location,
        hint: BASELINE_SPEC_HINT,
      },
    );
  switch (kind) {
    case "branch":
      return { kind, branch: value };
    case "release":
      return { kind, release: value };
    case "run":
      return { kind, run: value };
    case "git":
      return { kind, ref: value };
    default:
      return { kind: "path", folder: value };
  }
}

/** GitHub events whose runs may hold baselines: code that reached this repository, never a pull request's. */
export const TRUSTED_BASELINE_EVENTS = ["push", "schedule", "workflow_dispatch"] as const;

/** What GitHub's workflow-run listing says about a run, as much as trust needs. */
export interface WorkflowRunFacts {
  event: string;
  conclusion: string | null;
  /** `head_repository.full_name`: a fork's run names the fork. */
  headRepository: string | undefined;
}

/** Why a workflow run cannot hold a baseline of `repository`, or undefined when it can. */
export function untrustedWorkflowRunReason(run: WorkflowRunFacts, repository: string): string | undefined {
  if (!(TRUSTED_BASELINE_EVENTS as readonly string[]).includes(run.event))
    return `it ran on ${run.event}, and only push, schedule and workflow_dispatch runs are baselines`;
  if (run.headRepository?.toLowerCase() !== repository.toLowerCase())
    return `it built ${run.headRepository ?? "an unknown repository"}, not ${repository}`;
  if (run.conclusion !== "success") return `it concluded ${run.conclusion ?? "nothing yet"}`;
  return undefined;
}

/**
 * Why a run's own record rules it out as a baseline, or undefined. A job may succeed while its gates failed
 * (`fail-on-regression: false`, `continue-on-error`): that run is history, not a reference.
 */
export function untrustedRecordReason(record: RunDocument): string | undefined {
  if (record.status !== "succeeded") return `its training ${record.status}`;
  if (record.verdicts.validation === "failed") return "its data checks failed";
  if (record.verdicts.comparison === "failed") return "its gates failed";
  return undefined;
}

/** A run that may hold a baseline, as its host lists it. */
export interface CandidateRun {
  /** What `run:<id>` names on its host. */
  id: string | number;
  commit?: string;
}

export interface OpenedRun {
  /** The run's bundle, opened as untrusted. */
  bundle: Bundle;
  /** Its run record, already validated. */
  record: RunDocument;
}

/** The questions the policy asks a host: GitHub answers from workflow runs and artifacts, the CLI from its store. */
export interface RunHistory<Run extends CandidateRun> {
  /** Runs of `branch` that passed the host's trust filter (for GitHub, `untrustedWorkflowRunReason`), newest first. */
  trustedRuns(branch: string): Promise<Run[]>;
  /** Commits from `ancestor` to `descendant`, or undefined when `ancestor` is not in `descendant`'s history. */
  commitsBetween(ancestor: string, descendant: string): Promise<number | undefined>;
  /** The run's bundle and record, or a sentence saying why it cannot be used (expired, rejected, missing). */
  open(run: Run): Promise<OpenedRun | string>;
}

/**
 * How many runs are looked at beyond those at the target commit, on both hosts: each costs an ancestry check
 * (an API call on GitHub). Older runs are rarely better baselines than a named `run:<id>`.
 */
export const BASELINE_SEARCH_BUDGET = 10;
/** Notes about passed-over runs kept in the origin (which holds at most 20); the rest are counted. */
const MAX_PASSED_OVER_NOTES = 12;

export interface BaselineRequest<Run extends CandidateRun> {
  branch: string;
  /** The commit the baseline should be at (a PR's merge-base, the previous commit on a push); absent: the newest. */
  target?: string;
  /** This very run, which is never its own baseline (a re-run's earlier runs of the same commit are). */
  isThisRun?: (run: Run) => boolean;
  /** Which runs were looked for, ending the description when there are none: `of ci.yml on main` (default `on <branch>`). */
  where?: string;
}

export type BaselineChoice<Run extends CandidateRun> =
  | { found: true; run: Run; opened: OpenedRun; commitsBehind?: number; notes: string[] }
  | { found: false; description: string; notes: string[] };

const short = (sha: string) => sha.slice(0, 7);

/** Notes on passed-over runs, at most MAX_PASSED_OVER_NOTES; the rest counted in one line. */
function passedOverNotes() {
  const notes: string[] = [];
  let more = 0;
  return {
    add(note: string) {
      if (notes.length < MAX_PASSED_OVER_NOTES) notes.push(note.slice(0, 2000));
      else more++;
    },
    list: () => (more ? [...notes, `${more} more runs passed over`] : [...notes]),
  };
}

/**
 * The baseline run: a usable trusted run at the target commit, else the nearest older one whose commit is an
 * ancestor of the target, else none. Every run passed over is named with the reason.
 */
export async function chooseBaselineRun<Run extends CandidateRun>(
  history: RunHistory<Run>,
  request: BaselineRequest<Run>,
): Promise<BaselineChoice<Run>> {
  const { branch, target } = request;
  const runs = (await history.trustedRuns(branch)).filter((run) => !request.isThisRun?.(run));
  if (runs.length === 0) {
    return {
      found: false,
      description: `no successful run ${request.where ?? `on ${branch}`}`,
      notes: ["first run: change thresholds are skipped"],
    };
  }
  const passedOver = passedOverNotes();

  async function usable(run: Run): Promise<OpenedRun | undefined> {
    const opened = await history.open(run);
    if (typeof opened === "string") {
      passedOver.add(opened);
      return undefined;
    }
    const reason = untrustedRecordReason(opened.record);
    if (reason) passedOver.add(`run ${run.id} is not a baseline: ${reason}`);
    return reason ? undefined : opened;
  }

  if (!target) {
    for (const run of runs.slice(0, BASELINE_SEARCH_BUDGET)) {
      const opened = await usable(run);
      if (opened) return { found: true, run, opened, notes: passedOver.list() };
    }
    return { found: false, description: `no usable baseline run on ${branch}`, notes: passedOver.list() };
  }

  for (const run of runs.filter((candidate) => candidate.commit === target)) {
    const opened = await usable(run);
    if (opened) return { found: true, run, opened, commitsBehind: 0, notes: passedOver.list() };
  }

  // Several runs of one commit need one ancestry check between them.
  const distances = new Map<string, number | undefined>();
  for (const run of runs.filter((candidate) => candidate.commit !== target)) {
    if (!run.commit) {
      passedOver.add(`run ${run.id} records no commit`);
      continue;
    }
    if (!distances.has(run.commit)) {
      if (distances.size >= BASELINE_SEARCH_BUDGET) {
        passedOver.add(
          `stopped after ${BASELINE_SEARCH_BUDGET} ancestry checks; name an older run with \`baseline: run:<id>\``,
        );
        break;
      }
      distances.set(run.commit, await history.commitsBetween(run.commit, target));
    }
    const behind = distances.get(run.commit);
    if (behind === undefined) {
      passedOver.add(`run ${run.id} at ${short(run.commit)} is not an ancestor of ${short(target)}`);
      continue;
    }
    const opened = await usable(run);
    if (opened) {
      const decision = `no usable run at ${short(target)}; using the nearest older run, ${behind} commits behind`;
      return { found: true, run, opened, commitsBehind: behind, notes: [decision, ...passedOver.list()] };
    }
  }
  const notes = passedOver.list();
  return {
    found: false,
    description: `no usable baseline run on ${branch}`,
    notes: notes.length ? notes : [`no trusted run's commit is an ancestor of ${short(target)}`],
  };
}

/** The run records of a branch's trusted runs, newest first, for trends and noise bands. */
export async function trustedRunRecords<Run extends CandidateRun>(
  history: RunHistory<Run>,
  request: Pick<BaselineRequest<Run>, "branch" | "isThisRun">,
  limit: number,
): Promise<RunDocument[]> {
  const runs = (await history.trustedRuns(request.branch)).filter((run) => !request.isThisRun?.(run));
  const records: RunDocument[] = [];
  // Unusable runs cost a download each on GitHub: look a bounded way past the limit.
  for (const run of runs.slice(0, limit + BASELINE_SEARCH_BUDGET)) {
    if (records.length >= limit) break;
    const opened = await history.open(run);
    if (typeof opened !== "string" && !untrustedRecordReason(opened.record)) records.push(opened.record);
  }
  return records;
}
