import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@actions/core";
import type { CtrainConfig, ResolvedBaseline } from "@ctrain/core";
import { readReleaseBaseline } from "@ctrain/compare";
import {
  GitHubModelRegistry,
  createGitHubBaselineSource,
  createGitHubClient,
  readToken,
  type RunContext,
} from "@ctrain/github";
import { DEFAULT_STORE_DIR, LocalRunStore, createLocalBaselineSource } from "@ctrain/local";

/**
 * The baseline whose profile the data is compared with, found as the compare step finds its baseline (the base
 * branch's run at the merge-base on a pull request, a release's verified bundle, `path:` and `git:` from the
 * workspace). Undefined when there is none; the log says why.
 */
export async function findBaseline(
  config: CtrainConfig,
  context: RunContext,
  runName: string,
): Promise<ResolvedBaseline | undefined> {
  const spec = config.compare.baseline;
  if (spec === "none") return undefined;
  const token = readToken();
  const client = createGitHubClient({ token, baseUrl: context.apiUrl, log: (line) => core.info(line) });
  const downloadDir = join(process.env.RUNNER_TEMP || tmpdir(), "ctrain-baseline");
  const registry = new GitHubModelRegistry(client, context.repository);
  const source = createGitHubBaselineSource({
    client,
    context,
    token,
    runName,
    workflow: config.compare.workflow,
    readRelease: (release) => readReleaseBaseline(registry, config.model?.name, release, downloadDir),
    downloadDir,
    fallback: createLocalBaselineSource({
      store: new LocalRunStore(join(context.workspace, DEFAULT_STORE_DIR)),
      cwd: context.workspace,
      baseBranch: context.baseRef ?? context.defaultBranch ?? "main",
    }),
    log: (line) => core.info(line),
  });
  const baseline = await source.resolve(spec);
  core.info(`baseline: ${baseline.origin.description}`);
  for (const note of baseline.origin.notes) core.info(`  ${note}`);
  return baseline.origin.kind === "none" ? undefined : baseline;
}
