import { resolve } from "node:path";
import * as core from "@actions/core";
import {
  Bundle,
  UserError,
  describeError,
  encodeNonFinite,
  isUserError,
  loadConfig,
  settingOverrides,
  type CtrainConfig,
  type RunSource,
  type StepVerdict,
} from "@ctrain/core";
import type { AttestationSubject } from "@ctrain/publish";
import { bundleArtifactName, uploadBundleArtifact } from "./artifacts.js";
import { createGitHubClient } from "./client.js";
import type { GitHubClient } from "./client-timing.js";
import { readRunContext, repositoryLinkPrefix, toRunSource, type RunContext } from "./context.js";
import { attestModelFiles } from "./releases/attest.js";
import { actionLog } from "./log.js";
import { readInputs, type ActionInputs, type InputShape, type InputValues } from "./inputs.js";

/**
 * Runs an action's body: a user's error becomes one clear failure line with no stack trace; anything else is a
 * ctrain bug and keeps its stack so it can be reported.
 */
export async function runAction(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (isUserError(error)) {
      core.setFailed(error.format());
    } else {
      core.setFailed(`ctrain failed unexpectedly; please report this with the log.\n${describeError(error)}`);
    }
  }
}

/** Reads the token input and masks it in the log before anything else can print it. */
export function readToken(name = "github-token"): string {
  const token = core.getInput(name) || process.env.GITHUB_TOKEN || "";
  if (token) core.setSecret(token);
  return token;
}

/** What every action starts from: its inputs, the masked token, the run's context and `ctrain.yml`. */
export interface ActionStart<S extends InputShape> {
  inputs: InputValues<S>;
  token: string;
  context: RunContext;
  /** The run's identity as the bundle documents record it. */
  source: RunSource;
  /** A path of an input (relative to the workspace) as an absolute one. */
  inWorkspace(path: string): string;
  /** `ctrain.yml` (the `config` input's file) with the overriding inputs applied; read on first use. */
  config(): CtrainConfig;
  /** The REST client with the job's token (a missing one fails here); its retries and waits are warnings. */
  github(): GitHubClient;
}

/** The preamble of every action main: read the inputs, mask the token, read the context; the rest on demand. */
export function startAction<S extends InputShape>(declared: ActionInputs<S>): ActionStart<S> {
  const inputs = readInputs(declared.shape);
  const token = readToken();
  const context = readRunContext();
  let config: CtrainConfig | undefined;
  let client: GitHubClient | undefined;
  return {
    inputs,
    token,
    context,
    source: toRunSource(context),
    inWorkspace: (path) => resolve(context.workspace, path),
    github: () =>
      (client ??= createGitHubClient({ token, baseUrl: context.apiUrl, log: (line) => core.warning(line) })),
    config() {
      const file = (inputs as Record<string, unknown>).config;
      config ??= loadConfig({
        file: typeof file === "string" ? file : undefined,
        cwd: context.workspace,
        overrides: settingOverrides(
          inputs,
          declared.overrides as Record<string, string>,
          (input) => `input '${input}'`,
        ),
      }).config;
      return config;
    },
  };
}

/** An action's outputs by name: numbers and booleans are written as text, an undefined one is not set. */
export type ActionOutputs = Record<string, string | number | boolean | undefined>;

/** Sets the step's outputs. */
export function setOutputs(outputs: ActionOutputs): void {
  for (const [name, value] of Object.entries(outputs)) if (value !== undefined) core.setOutput(name, String(value));
}

/** An annotation on a line of a file. */
export interface FileAnnotation {
  level: "error" | "warning";
  message: string;
  file: string;
  line?: number;
  title?: string;
}

/** Shows each annotation on its file's line. */
export function annotate(notes: FileAnnotation[]): void {
  for (const { level, message, file, line, title } of notes) {
    const properties = { file, startLine: line, title };
    if (level === "error") core.error(message, properties);
    else core.warning(message, properties);
  }
}

/** Appends markdown to the job summary. */
export async function writeSummary(markdown: string): Promise<void> {
  await core.summary.addRaw(markdown, true).write();
}

/** How a report rendered in an action links: the report's id, this run's page and the repository's files. */
export function reportLinks(
  config: CtrainConfig,
  context: RunContext,
): { id: string; runUrl: string | undefined; linkPrefix: string } {
  return { id: config.report.id, runUrl: context.runUrl, linkPrefix: repositoryLinkPrefix(context) };
}

/**
 * Ends the step as its verdict says: the job summary written first and the outputs set, then each warning as an
 * annotation; a verdict that did not pass fails the step with its reasons, after `lead` (e.g. "validation failed: ").
 */
export async function concludeStep(
  verdict: StepVerdict,
  ending: { summary?: string; outputs?: ActionOutputs; lead?: string; hint?: string } = {},
): Promise<void> {
  if (ending.summary !== undefined) await writeSummary(ending.summary);
  setOutputs(ending.outputs ?? {});
  for (const warning of verdict.warnings) core.warning(warning);
  if (!verdict.passed)
    throw new UserError(`${ending.lead ?? ""}${verdict.reasons.join("; ")}`, ending.hint ? { hint: ending.hint } : {});
}

/** Job outputs share 1 MB per job; a JSON output longer than this is left empty and read from the bundle instead. */
const JSON_OUTPUT_MAX_CHARS = 100_000;

/** Sets an output to JSON (non-finite numbers kept), or leaves it empty with a log line when it is too long. */
export function setJsonOutput(name: string, value: unknown, readFrom: string): void {
  const json = JSON.stringify(value, encodeNonFinite);
  if (json.length <= JSON_OUTPUT_MAX_CHARS) core.setOutput(name, json);
  else actionLog.info(`the ${name} output is left empty: ${json.length} characters; read them from ${readFrom}`);
}

/** The train step's bundle store (`BundleStore`) on GitHub: the workflow run's `ctrain-run-<name>` artifact. */
export function artifactBundleStore(retentionDays?: number): {
  nameOf(runName: string): string;
  store(dir: string, name: string): Promise<{ id?: number }>;
} {
  return {
    nameOf: (runName) => bundleArtifactName("run", runName),
    store: (dir, name) => uploadBundleArtifact({ dir, name, retentionDays }),
  };
}

/** Uploads a run bundle again as its `ctrain-run-<name>` artifact, replacing the one uploaded before; answers the name. */
export async function replaceRunBundleArtifact(dir: string, retentionDays?: number): Promise<string> {
  const name = bundleArtifactName("run", new Bundle(dir).read("run").name);
  await uploadBundleArtifact({ dir, name, retentionDays, replace: true });
  return name;
}

/** Signs provenance of the model files with the job's token (`publish.attest`), and says so in the log. */
export function attestWithToken(token: string): (subjects: AttestationSubject[]) => Promise<void> {
  return async (subjects) => {
    const { attestationId } = await attestModelFiles(subjects, token);
    actionLog.info(
      `attested provenance of ${subjects.length} model file(s)${attestationId ? ` (${attestationId})` : ""}`,
    );
  };
}
