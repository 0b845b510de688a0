import * as core from "@actions/core";
import type { RunDocument } from "@ctrain/core";
import { actionLog, createGitHubBaselineSource, runnerTemp, type GitHubClient, type RunContext } from "@ctrain/github";
import type { ReportInput } from "@ctrain/report";
import type { ReportSettings } from "./settings.js";

/**
 * The base branch's recent run records for the trend, read from their `ctrain-run-<name>` artifacts. A trend is
 * a nicety: without `actions: read` or earlier runs the report goes on without one and the log says why.
 */
export function trendHistory(options: {
  context: RunContext;
  settings: ReportSettings;
  client: GitHubClient;
  token: string;
  workflow?: string;
}): (count: number, input: ReportInput) => Promise<RunDocument[]> {
  return async (count, input) => {
    const runName = options.settings.runName ?? input.run?.name;
    if (!runName) return [];
    const source = createGitHubBaselineSource({
      client: options.client,
      context: options.context,
      token: options.token,
      runName,
      workflow: options.workflow,
      downloadDir: runnerTemp("ctrain-trend"),
      log: (line) => actionLog.info(line),
    });
    return core.group(`Reading the last ${count} runs for the trend`, () => source.history(count));
  };
}
