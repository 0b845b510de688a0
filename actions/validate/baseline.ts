import type { CtrainConfig, ResolvedBaseline } from "@ctrain/core";
import { actionLog, readToken, type RunContext } from "@ctrain/github";
import { actionBaselineSource } from "../shared/baselines.js";

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
  const source = actionBaselineSource({ config, context, token: readToken(), runName });
  const baseline = await source.resolve(spec);
  actionLog.info(`baseline: ${baseline.origin.description}`);
  for (const note of baseline.origin.notes) actionLog.info(`  ${note}`);
  return baseline.origin.kind === "none" ? undefined : baseline;
}
