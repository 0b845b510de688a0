import { join } from "node:path";
import type { BaselineSource, CtrainConfig } from "@ctrain/core";
import { readReleaseBaseline } from "@ctrain/compare";
import {
  actionLog,
  GitHubModelRegistry,
  createGitHubBaselineSource,
  runnerTemp,
  type GitHubClient,
  type RunContext,
} from "@ctrain/github";
import { DEFAULT_STORE_DIR, LocalRunStore, createLocalBaselineSource } from "@ctrain/local";

/**
 * Where an action finds baselines: the base branch's workflow runs and their bundles, verified releases, and the
 * workspace for `git:` and `path:` specs. validate (for drift) and compare resolve through the same source.
 */
export function actionBaselineSource(options: {
  config: CtrainConfig;
  context: RunContext;
  token: string;
  github(): GitHubClient;
  runName: string;
}): BaselineSource {
  const { config, context, token } = options;
  const client = options.github();
  const downloadDir = runnerTemp("ctrain-baseline");
  const registry = new GitHubModelRegistry(client, context.repository);
  return createGitHubBaselineSource({
    client,
    context,
    token,
    runName: options.runName,
    workflow: config.compare.workflow,
    readRelease: (spec) => readReleaseBaseline(registry, config.model?.name, spec, downloadDir),
    downloadDir,
    fallback: createLocalBaselineSource({
      store: new LocalRunStore(join(context.workspace, DEFAULT_STORE_DIR)),
      cwd: context.workspace,
      baseBranch: context.baseRef ?? context.defaultBranch ?? "main",
      metricFiles: config.train.metrics,
    }),
    log: (line) => actionLog.info(line),
  });
}
