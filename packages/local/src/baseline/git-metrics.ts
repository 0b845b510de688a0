import { UserError, type RecordedValue, type ResolvedBaseline } from "@ctrain/core";
import { numberOf, parseMetricText } from "@ctrain/metrics";
import type { GitRepository } from "../git.js";

/**
 * A `git:<ref>` baseline: the metrics files committed at that ref, read DVC-style. A shallow CI clone lacks the
 * ref, so it is fetched at depth 1 first.
 */
export function readGitBaseline(
  git: GitRepository,
  ref: string,
  metricFiles: readonly string[],
  remote = "origin",
): ResolvedBaseline {
  if (metricFiles.length === 0) {
    throw new UserError(`baseline git:${ref} needs the metrics files to read at that ref`, {
      hint: "list them under `train.metrics` in ctrain.yml",
    });
  }
  let sha = git.resolve(ref);
  const notes: string[] = [];
  if (!sha && git.fetchRef(remote, ref)) {
    sha = git.resolve("FETCH_HEAD");
    notes.push(`fetched ${ref} from ${remote} (the clone did not have it${git.isShallow() ? ": it is shallow" : ""})`);
  }
  if (!sha) {
    throw new UserError(`baseline git:${ref}: no such ref in this repository`, {
      hint: "fetch it (`git fetch origin <ref>`), or use `fetch-depth: 0` in actions/checkout",
    });
  }
  const metrics: Record<string, RecordedValue> = {};
  for (const path of metricFiles) {
    const content = git.showFile(sha, path);
    if (content === undefined) {
      notes.push(`${path} does not exist at ${ref}`);
      continue;
    }
    const file = parseMetricText(content.toString("utf8"), `${ref}:${path}`);
    for (const [key, value] of Object.entries(file.metrics)) metrics[key] = numberOf(value) ?? (value as RecordedValue);
  }
  return {
    origin: {
      kind: "git",
      description: `metrics files committed at ${ref} (${sha.slice(0, 7)})`,
      commit: sha,
      ref,
      createdAt: git.commitTime(sha),
      notes,
    },
    metrics,
  };
}
