/**
 * Runs a bundled action the way the GitHub runner runs a node action step: `node <main>` in the workspace with a
 * clean environment (inputs as INPUT_*, the event payload in a file, the GITHUB_* and RUNNER_* variables, the
 * runtime services' variables), then reads back what the step reported: outputs, summary, environment and state
 * files, and the workflow commands it wrote to stdout.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import type { ActionsRuntime } from "./actions-runtime/index.js";
import { FAST_CLIENT_ENV } from "./client-timing.js";
import type { GitHubFake, RepoRecord, WorkflowRunRecord } from "./github-fake/index.js";
import type { Permissions } from "./github-fake/tokens.js";
import { parseKeyValueFile, parseStdout, type Annotation, type WorkflowCommand } from "./workflow-commands.js";
import { tempDir } from "../support/temp-dir.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** An action of this repository by name (`dist/<name>/index.js`, `actions/<name>/action.yml`), or any bundle. */
export type ActionUnderTest = string | { entry: string; metadata?: string };

export interface ActionEvent {
  /** GITHUB_EVENT_NAME, e.g. `pull_request`. */
  name: string;
  /** The webhook payload; `repository.full_name` must name a repository of the fake (see `retargetWebhook`). */
  payload: Record<string, unknown>;
}

export interface RunActionOptions {
  github: GitHubFake;
  event: ActionEvent;
  inputs?: Record<string, string | number | boolean>;
  /** Turns on the runtime services (artifacts, cache) for the step. */
  runtime?: ActionsRuntime;
  /** The workflow run the step belongs to; recorded in the fake from the event when absent. */
  run?: WorkflowRunRecord;
  /** The job's GITHUB_TOKEN; by default an installation token for the repository, read-only for a fork's pull request. */
  token?: string;
  /**
   * The job's `permissions:` block, which the default token holds exactly (see `workflowJobPermissions`); absent,
   * the restricted default of a job without one (contents and packages read).
   */
  permissions?: Permissions;
  /** The checkout (GITHUB_WORKSPACE, the step's cwd); a fresh directory when absent. */
  workspace?: string;
  /** Extra environment, applied last. */
  env?: Record<string, string>;
  timeoutMs?: number;
  workflow?: string;
  job?: string;
}

export interface ActionResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Stdout without commands and with masked values hidden, as the job log shows it. */
  log: string;
  outputs: Record<string, string>;
  summary: string;
  /** Variables written to GITHUB_ENV for later steps. */
  envFile: Record<string, string>;
  /** Values written to GITHUB_STATE for the post step. */
  state: Record<string, string>;
  /** Directories written to GITHUB_PATH. */
  pathAdditions: string[];
  commands: WorkflowCommand[];
  annotations: Annotation[];
  masks: string[];
  run: WorkflowRunRecord;
  token: string;
  workspace: string;
}

interface ActionMetadata {
  inputs?: Record<string, { default?: unknown; required?: boolean }>;
  runs?: { using?: string; main?: string };
}

interface EventContext {
  repo: RepoRecord;
  ref: string;
  sha: string;
  headRef: string;
  baseRef: string;
  runBranch: string | null;
  runSha: string;
  pullNumbers: number[];
  actor: string;
  fromFork: boolean;
}

export async function runAction(action: ActionUnderTest, options: RunActionOptions): Promise<ActionResult> {
  const { github } = options;
  const entry = typeof action === "string" ? join(REPO_ROOT, "dist", action, "index.js") : resolve(action.entry);
  const metadataFile = typeof action === "string" ? join(REPO_ROOT, "actions", action, "action.yml") : action.metadata;
  const metadata = metadataFile ? await readMetadata(metadataFile, entry) : undefined;
  if (!existsSync(entry)) throw new Error(`runAction: ${entry} does not exist; build it first (npm run build)`);

  const context = eventContext(github, options.event);
  const run =
    options.run ??
    github.state.addWorkflowRun(context.repo, {
      workflow: options.workflow ?? "ci.yml",
      event: options.event.name,
      headBranch: context.runBranch ?? undefined,
      headSha: context.runSha,
      headRepo: context.fromFork
        ? github.state.pull(context.repo, context.pullNumbers[0] as number).headRepo
        : undefined,
      actor: context.actor,
      pullNumbers: context.pullNumbers,
      status: "in_progress",
    });
  const token =
    options.token ??
    github.issueToken({
      kind: "installation",
      permissions: options.permissions,
      repositories: [context.repo.fullName],
      fork: context.fromFork,
    });

  refuseUndeclaredInputs(metadata, options.inputs ?? {});
  const root = await mkdtemp(join(tmpdir(), "ctrain-step-"));
  // The caller reads the workspace after the step: it goes with the test file's other temp folders.
  const workspace = options.workspace ?? tempDir("ctrain-workspace-");
  const files = {
    event: join(root, "event.json"),
    output: join(root, "files", "output"),
    summary: join(root, "files", "step_summary"),
    env: join(root, "files", "env"),
    state: join(root, "files", "state"),
    path: join(root, "files", "path"),
  };
  await mkdir(join(root, "files"), { recursive: true });
  await Promise.all([
    writeFile(files.event, JSON.stringify(options.event.payload, null, 2)),
    ...[files.output, files.summary, files.env, files.state, files.path].map((file) => writeFile(file, "")),
    mkdir(join(root, "home")),
    mkdir(join(root, "temp")),
    mkdir(join(root, "tool-cache")),
  ]);

  const workflow = options.workflow ?? "ci.yml";
  const expressionContext = {
    token,
    repository: context.repo.fullName,
    workspace,
    sha: context.sha,
    ref: context.ref,
    server_url: github.webUrl,
    api_url: github.url,
    run_id: String(run.id),
    event_name: options.event.name,
    actor: context.actor,
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(root, "home"),
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: options.event.name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_STATE: files.state,
    GITHUB_PATH: files.path,
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: context.repo.fullName,
    GITHUB_REPOSITORY_ID: String(context.repo.id),
    GITHUB_REPOSITORY_OWNER: context.repo.owner.login,
    GITHUB_REPOSITORY_OWNER_ID: String(context.repo.owner.id),
    GITHUB_SHA: context.sha,
    GITHUB_REF: context.ref,
    GITHUB_REF_NAME: context.ref.replace(/^refs\/(heads|tags|pull)\//, ""),
    GITHUB_REF_TYPE: context.ref.startsWith("refs/tags/") ? "tag" : "branch",
    GITHUB_HEAD_REF: context.headRef,
    GITHUB_BASE_REF: context.baseRef,
    GITHUB_RUN_ID: String(run.id),
    GITHUB_RUN_ATTEMPT: String(run.runAttempt),
    GITHUB_RUN_NUMBER: String(run.runNumber),
    GITHUB_WORKFLOW: github.state.repo(context.repo.fullName).workflows.get(run.workflowId)?.name ?? workflow,
    GITHUB_WORKFLOW_REF: `${context.repo.fullName}/.github/workflows/${workflow}@${context.ref}`,
    GITHUB_WORKFLOW_SHA: context.sha,
    GITHUB_JOB: options.job ?? "ctrain",
    GITHUB_ACTION: "__ctrain",
    GITHUB_ACTION_PATH: dirname(metadataFile ?? entry),
    GITHUB_ACTOR: context.actor,
    GITHUB_ACTOR_ID: String(github.state.user(context.actor).id),
    GITHUB_TRIGGERING_ACTOR: context.actor,
    GITHUB_SERVER_URL: github.webUrl,
    GITHUB_API_URL: github.url,
    GITHUB_GRAPHQL_URL: `${github.url}/graphql`,
    GITHUB_RETENTION_DAYS: "90",
    RUNNER_OS: "Linux",
    RUNNER_ARCH: "X64",
    RUNNER_NAME: "GitHub Actions 1",
    RUNNER_ENVIRONMENT: "github-hosted",
    RUNNER_TEMP: join(root, "temp"),
    RUNNER_TOOL_CACHE: join(root, "tool-cache"),
    ...(options.runtime
      ? {
          ACTIONS_RUNTIME_TOKEN: options.runtime.runtimeToken(run),
          ACTIONS_RESULTS_URL: options.runtime.resultsUrl,
          ACTIONS_CACHE_SERVICE_V2: "True",
        }
      : {}),
    ...inputVariables(metadata, options.inputs ?? {}, expressionContext),
    ...FAST_CLIENT_ENV,
    ...options.env,
  };

  try {
    const { exitCode, stdout, stderr } = await spawnStep(entry, workspace, env, options.timeoutMs ?? 60_000);
    const parsed = parseStdout(stdout);
    const [output, summary, envFile, state, path] = await Promise.all(
      [files.output, files.summary, files.env, files.state, files.path].map((file) => readFile(file, "utf8")),
    );
    return {
      exitCode,
      stdout,
      stderr,
      log: parsed.log,
      outputs: { ...parsed.legacyOutputs, ...parseKeyValueFile(output as string, "GITHUB_OUTPUT") },
      summary: summary as string,
      envFile: parseKeyValueFile(envFile as string, "GITHUB_ENV"),
      state: parseKeyValueFile(state as string, "GITHUB_STATE"),
      pathAdditions: (path as string).split(/\r?\n/).filter(Boolean),
      commands: parsed.commands,
      annotations: parsed.annotations,
      masks: parsed.masks,
      run,
      token,
      workspace,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Reads action.yml and checks that its `runs` is a node action whose `main` is the bundle being run. */
async function readMetadata(file: string, entry: string): Promise<ActionMetadata> {
  const metadata = parseYaml(await readFile(file, "utf8")) as ActionMetadata;
  const using = metadata.runs?.using ?? "";
  if (!/^node\d+$/.test(using)) throw new Error(`runAction: ${file} runs.using is "${using}", not a node runtime`);
  const main = resolve(dirname(file), metadata.runs?.main ?? "");
  if (main !== resolve(entry)) throw new Error(`runAction: ${file} runs.main points to ${main}, not ${entry}`);
  return metadata;
}

/**
 * An input the action does not declare is refused (the runner would only warn, and a typo would go unnoticed), before
 * the step's folders exist.
 */
function refuseUndeclaredInputs(metadata: ActionMetadata | undefined, inputs: Record<string, unknown>): void {
  if (!metadata) return;
  const declared = metadata.inputs ?? {};
  const unexpected = Object.keys(inputs).filter((name) => !(name in declared));
  if (unexpected.length) {
    throw new Error(
      `runAction: unexpected input(s) ${unexpected.join(", ")}; the action declares ${Object.keys(declared).join(", ") || "none"}`,
    );
  }
}

/**
 * INPUT_<NAME> for each input, as the runner sets them: declared defaults fill what the step did not pass (the
 * expressions `${{ github.* }}` among them), names are upper-cased with spaces turned to underscores (hyphens stay).
 */
function inputVariables(
  metadata: ActionMetadata | undefined,
  inputs: Record<string, string | number | boolean>,
  githubContext: Record<string, string>,
): Record<string, string> {
  const declared = metadata?.inputs ?? {};
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    if (spec.default !== undefined) values[name] = evaluateDefault(String(spec.default), githubContext, name);
  }
  for (const [name, value] of Object.entries(inputs)) values[name] = String(value);
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [`INPUT_${name.replace(/ /g, "_").toUpperCase()}`, value]),
  );
}

function evaluateDefault(value: string, githubContext: Record<string, string>, input: string): string {
  const expression = /^\$\{\{\s*github\.(\w+)\s*\}\}$/.exec(value.trim());
  if (expression) {
    const resolved = githubContext[expression[1] as string];
    if (resolved === undefined)
      throw new Error(`runAction: input "${input}" defaults to ${value}, which the harness does not provide`);
    return resolved;
  }
  if (value.includes("${{"))
    throw new Error(`runAction: input "${input}" defaults to ${value}, which the harness cannot evaluate`);
  return value;
}

/** GITHUB_REF, GITHUB_SHA and the run's head for an event, as GitHub sets them. */
function eventContext(github: GitHubFake, event: ActionEvent): EventContext {
  const { state } = github;
  const payload = event.payload as {
    repository?: { full_name?: string };
    sender?: { login?: string };
    pull_request?: { number?: number };
    ref?: string;
    after?: string;
    release?: { tag_name?: string };
  };
  const repoName = payload.repository?.full_name;
  const repo = repoName ? state.findRepo(...(repoName.split("/") as [string, string])) : undefined;
  if (!repo)
    throw new Error(
      `runAction: payload.repository.full_name "${repoName}" is no repository of the fake; retarget the payload first`,
    );
  const actor =
    payload.sender?.login && state.users.has(payload.sender.login) ? payload.sender.login : repo.owner.login;
  const defaultHead = repo.refs.get(`heads/${repo.defaultBranch}`) as string;
  const base = { repo, headRef: "", baseRef: "", pullNumbers: [] as number[], actor, fromFork: false };

  if (event.name.startsWith("pull_request") && payload.pull_request?.number !== undefined) {
    const pull = state.pull(repo, payload.pull_request.number);
    const baseSha = repo.refs.get(`heads/${pull.baseRef}`) as string;
    const pullFields = { headRef: pull.headRef, baseRef: pull.baseRef, pullNumbers: [pull.number] };
    if (event.name === "pull_request_target") {
      // Runs in the base repository's context, on the base branch, with a write token.
      return {
        ...base,
        ...pullFields,
        ref: `refs/heads/${pull.baseRef}`,
        sha: baseSha,
        runBranch: pull.baseRef,
        runSha: baseSha,
      };
    }
    const merge = state.pullMergeCommit(pull);
    return {
      ...base,
      ...pullFields,
      ref: `refs/pull/${pull.number}/merge`,
      sha: merge.sha,
      runBranch: pull.headRef,
      runSha: state.pullHeadSha(pull),
      fromFork: pull.headRepo !== repo,
    };
  }
  if (event.name === "push" && payload.ref && payload.after) {
    const branch = payload.ref.startsWith("refs/heads/") ? payload.ref.slice("refs/heads/".length) : null;
    return { ...base, ref: payload.ref, sha: payload.after, runBranch: branch, runSha: payload.after };
  }
  if (event.name === "release" && payload.release?.tag_name) {
    const tagged = state.resolveCommit(repo, `tags/${payload.release.tag_name}`)?.sha ?? defaultHead;
    return {
      ...base,
      ref: `refs/tags/${payload.release.tag_name}`,
      sha: tagged,
      runBranch: payload.release.tag_name,
      runSha: tagged,
    };
  }
  const ref = payload.ref ?? `refs/heads/${repo.defaultBranch}`;
  const sha = state.resolveCommit(repo, ref)?.sha ?? defaultHead;
  return { ...base, ref, sha, runBranch: ref.replace(/^refs\/heads\//, ""), runSha: sha };
}

function spawnStep(
  entry: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [entry], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `runAction: ${entry} did not finish within ${timeoutMs} ms\n--- stdout ---\n${Buffer.concat(stdout).toString()}\n--- stderr ---\n${Buffer.concat(stderr).toString()}`,
        ),
      );
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolvePromise({ exitCode, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
  });
}
