import { join } from "node:path";
import { tmpdir } from "node:os";
import * as core from "@actions/core";
import type { RunDocument } from "@ctrain/core";
import { actionLog, createGitHubBaselineSource, type GitHubClient, type RunContext } from "@ctrain/github";
import type { ReportInput } from "@ctrain/report";
import type { ReportSettings } from "./settings.js";

/**
 * The base branch's recent run records for the trend, read from their `ctrain-run-<name>` artifacts. A trend is
 * a nicety: without `actions: read` or earlier runs the report goes on without one and the log says why.
 */
export async function trendHistory(options: {
  context: RunContext;
  settings: ReportSettings;
  client: GitHubClient;
  token: string;
  input: ReportInput;
  workflow?: string;
}): Promise<RunDocument[]> {
  const { settings, input } = options;
  const runName = settings.runName ?? input.run?.name;
  if (settings.report["trend-runs"] === 0 || !runName) return [];
  const source = createGitHubBaselineSource({
    client: options.client,
    context: options.context,
    token: options.token,
    runName,
    workflow: options.workflow,
    downloadDir: join(process.env.RUNNER_TEMP || tmpdir(), "ctrain-trend"),
    log: (line) => actionLog.info(line),
  });
  return core.group(`Reading the last ${settings.report["trend-runs"]} runs for the trend`, () =>
    source.history(settings.report["trend-runs"]),
  );
}
