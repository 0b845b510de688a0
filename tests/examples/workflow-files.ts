import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { repositoryOf } from "../../scripts/release.js";

/** The parts of a workflow or action.yml these tests read; GitHub's own parser checks the rest. */
export interface Workflow {
  /** Where it came from, for messages: a file, or a docs page and the block's line. */
  name: string;
  text: string;
  on?: Record<string, unknown> | string | string[];
  permissions?: Permissions;
  jobs: Record<string, Job>;
}
export type Permissions = Record<string, string> | "read-all" | "write-all";
export interface Job {
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown> | "inherit";
  permissions?: Permissions;
  outputs?: Record<string, string>;
  steps?: Step[];
}
export interface Step {
  uses?: string;
  run?: string;
  "working-directory"?: string;
  with?: Record<string, unknown>;
}
export interface WorkflowCall {
  inputs: Record<string, { type: "string" | "number" | "boolean"; required?: boolean; default?: unknown }>;
  secrets: Record<string, { required?: boolean }>;
  outputs: Record<string, { value: string }>;
}
export interface ActionMetadata {
  inputs: Record<string, { required?: boolean; default?: unknown }>;
}

export const root = process.cwd();
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  version: string;
  repository: { url: string };
};
/** How workflows name ctrain's actions and reusable workflows: the repository package.json names. */
export const CTRAIN_REPOSITORY = repositoryOf(manifest.repository.url);
/** What users pin: the major tag, which every release of that major moves. */
export const CTRAIN_REF = `v${manifest.version.split(".")[0]}`;
/** What this repository's own workflows pin (the release being prepared), so a caller's pin pins everything. */
export const CTRAIN_RELEASE_TAG = `v${manifest.version}`;

/** The ref a ctrain `uses:` in this workflow must name: nested ones the release, users' the major tag. */
export function expectedCtrainRef(workflow: Workflow): string {
  return workflow.name.startsWith(".github/workflows/") ? CTRAIN_RELEASE_TAG : CTRAIN_REF;
}

function workflowFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(dir, name))
    .sort();
}

export function readWorkflow(name: string, text: string): Workflow {
  const document = parse(text) as Omit<Workflow, "name" | "text">;
  return { ...document, name, text, jobs: document.jobs ?? {} };
}

/** This repository's workflows: its CI, dogfooding and the reusable workflows users call. */
export function repositoryWorkflows(): Workflow[] {
  return workflowFilesUnder(join(root, ".github/workflows")).map((file) =>
    readWorkflow(relative(root, file), readFileSync(file, "utf8")),
  );
}

/** The workflows each example ships for users to copy. */
export function exampleWorkflows(): Workflow[] {
  const examples = join(root, "examples");
  return readdirSync(examples)
    .flatMap((example) => workflowFilesUnder(join(examples, example, ".github/workflows")))
    .map((file) => readWorkflow(relative(root, file), readFileSync(file, "utf8")));
}

/** Every ```yaml block of a markdown page that is a whole workflow (it has `on:` and `jobs:`), named `page:line`. */
export function markdownWorkflows(page: string): Workflow[] {
  const text = readFileSync(join(root, page), "utf8");
  const blocks: Workflow[] = [];
  const fence = /^```ya?ml\n([\s\S]*?)^```$/gm;
  for (let match = fence.exec(text); match; match = fence.exec(text)) {
    const body = match[1]!;
    if (!/^on:/m.test(body) || !/^jobs:/m.test(body)) continue;
    const line = text.slice(0, match.index).split("\n").length + 1;
    blocks.push(readWorkflow(`${page}:${line}`, body));
  }
  return blocks;
}

export function workflowCallOf(workflow: Workflow): WorkflowCall | undefined {
  const on = workflow.on;
  if (typeof on !== "object" || Array.isArray(on) || !("workflow_call" in on)) return undefined;
  const call = (on.workflow_call ?? {}) as Partial<WorkflowCall>;
  return { inputs: call.inputs ?? {}, secrets: call.secrets ?? {}, outputs: call.outputs ?? {} };
}

export function readActionMetadata(name: string): ActionMetadata | undefined {
  const file = join(root, "actions", name, "action.yml");
  if (!existsSync(file)) return undefined;
  const metadata = parse(readFileSync(file, "utf8")) as Partial<ActionMetadata>;
  return { inputs: metadata.inputs ?? {} };
}

/** The ctrain action a step runs (`./actions/<name>` here, `ctrain-dev/ctrain/actions/<name>@<ref>` elsewhere). */
export function ctrainActionOf(uses: string | undefined): { name: string; local: boolean; ref?: string } | undefined {
  if (!uses) return undefined;
  const local = /^\.\/actions\/([\w-]+)$/.exec(uses);
  if (local) return { name: local[1]!, local: true };
  const remote = new RegExp(`^${CTRAIN_REPOSITORY}/actions/([\\w-]+)@(.+)$`).exec(uses);
  return remote ? { name: remote[1]!, local: false, ref: remote[2]! } : undefined;
}

/** The reusable workflow file a job calls (`ctrain-dev/ctrain/.github/workflows/<file>@<ref>`). */
export function calledWorkflowOf(uses: string | undefined): { file: string; ref: string } | undefined {
  const match = new RegExp(`^${CTRAIN_REPOSITORY}/\\.github/workflows/([\\w.-]+)@(.+)$`).exec(uses ?? "");
  return match ? { file: match[1]!, ref: match[2]! } : undefined;
}

const LEVELS = ["none", "read", "write"] as const;
type Level = (typeof LEVELS)[number];

function levelOf(permissions: Permissions, scope: string): Level {
  if (permissions === "write-all") return "write";
  if (permissions === "read-all") return "read";
  return (permissions[scope] as Level | undefined) ?? "none";
}

/**
 * The permissions a job needs from whoever runs it: its own `permissions:`, or for a job that declares none and
 * calls a reusable workflow, what that workflow's jobs ask for. GitHub refuses to start a run whose nested job asks
 * for more than its caller grants.
 */
export function requestedPermissions(job: Job, reusable: ReadonlyMap<string, Workflow>): Record<string, Level> {
  if (job.permissions) {
    const scopes = typeof job.permissions === "string" ? {} : job.permissions;
    return Object.fromEntries(Object.keys(scopes).map((scope) => [scope, levelOf(job.permissions!, scope)]));
  }
  const called = calledWorkflowOf(job.uses);
  const workflow = called && reusable.get(called.file);
  if (!workflow) return {};
  return mergePermissions(Object.values(workflow.jobs).map((nested) => requestedPermissions(nested, reusable)));
}

export function mergePermissions(all: Record<string, Level>[]): Record<string, Level> {
  const merged: Record<string, Level> = {};
  for (const permissions of all) {
    for (const [scope, level] of Object.entries(permissions)) {
      if (LEVELS.indexOf(level) > LEVELS.indexOf(merged[scope] ?? "none")) merged[scope] = level;
    }
  }
  return merged;
}

/** Scopes where `granted` gives less than `requested`, as `scope: requested`. */
export function missingPermissions(granted: Permissions, requested: Record<string, Level>): string[] {
  return Object.entries(requested)
    .filter(([scope, level]) => LEVELS.indexOf(levelOf(granted, scope)) < LEVELS.indexOf(level))
    .map(([scope, level]) => `${scope}: ${level}`);
}
