import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { Bundle } from "@ctrain/core";
import { UserError } from "@ctrain/core";
import { LocalHistoryStore, appendAndRender, type HistoryStore } from "@ctrain/history";
import type { Command } from "../command.js";
import { terminalLog } from "../steps.js";
import { terminal } from "../terminal.js";
import { WORKSPACE_OPTIONS, openWorkspace } from "../workspace.js";

export const historyCommand: Command = {
  name: "history",
  summary: "add the bundle's run to the base branch's history and render the history site (a static, offline page)",
  usage: "ctrain history [--out <dir>] [--release <tag>] [--render-only] [--github]",
  options: {
    ...WORKSPACE_OPTIONS,
    base: {
      type: "string",
      description: "the branch whose history this is (default: the repository's default branch)",
      valueName: "branch",
    },
    out: { type: "string", description: "where index.html goes (default: <store>/history-site)", valueName: "dir" },
    release: { type: "string", description: "the release tag the run's model was published as", valueName: "tag" },
    "render-only": { type: "boolean", description: "only rebuild the site from the history already recorded" },
    github: {
      type: "boolean",
      description:
        "keep the history on the repository's ctrain-history branch (GITHUB_REPOSITORY, GITHUB_TOKEN with contents: write) instead of the local store",
    },
  },
  async run(values) {
    const workspace = openWorkspace(values);
    const storeDir = workspace.store.root;
    const store = values.github
      ? await githubHistoryStore(process.env)
      : new LocalHistoryStore(join(storeDir, "history.jsonl"));
    const outDir = typeof values.out === "string" ? values.out : join(storeDir, "history-site");
    const renderOnly = Boolean(values["render-only"]) || !existsSync(join(workspace.bundleDir, "run.json"));
    // A local run has no workflow run id: its record is named by the store's `<branch>/<n>` when it was recorded.
    const createdAt = renderOnly ? undefined : new Bundle(workspace.bundleDir).read("run").createdAt;
    const stored = workspace.store.list(workspace.baseBranch).find((run) => run.run.createdAt === createdAt);
    const result = await appendAndRender({
      store,
      bundleDir: renderOnly ? undefined : workspace.bundleDir,
      outDir,
      branch: workspace.baseBranch,
      ...(typeof values.release === "string" ? { release: values.release } : {}),
      ...(stored ? { id: stored.id } : {}),
      ...(workspace.source.repository ? { repository: workspace.source.repository } : {}),
      log: terminalLog.info,
    });
    if (result.skipped) terminal.err.write(`not added to the history: ${result.skipped}\n`);
    terminal.out.write(
      `${result.runs} runs in the history of ${workspace.baseBranch}\nsite: ${relative(process.cwd(), result.sitePath) || result.sitePath}\n`,
    );
    return 0;
  },
};

/** The branch store the workflow's history job writes, with the same append and render as on a laptop. */
async function githubHistoryStore(env: NodeJS.ProcessEnv): Promise<HistoryStore> {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const token = env.GITHUB_TOKEN;
  if (!owner || !repo || !token) {
    throw new UserError("--github needs GITHUB_REPOSITORY (owner/name) and GITHUB_TOKEN in the environment", {
      location: "--github",
      hint: "in a workflow step, set `env: { GITHUB_TOKEN: ${{ github.token }} }` with `permissions: { contents: write }`",
    });
  }
  // Octokit is loaded only by the runs that talk to GitHub.
  const { GitHubHistoryStore, createGitHubClient } = await import("@ctrain/github");
  const client = createGitHubClient({ token, baseUrl: env.GITHUB_API_URL, log: terminalLog.warning });
  return new GitHubHistoryStore({ client, owner, repo, log: terminalLog.info });
}
