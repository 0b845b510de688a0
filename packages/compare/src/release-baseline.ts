import { UserError, type ModelRegistry, type ResolvedBaseline } from "@ctrain/core";
import { readPublishedRun, resolvePublished } from "@ctrain/publish";

/**
 * A `release:<tag|latest|range>` baseline: the published model's run record, read from the registry and verified
 * against the release manifest before its metrics are trusted.
 */
export async function readReleaseBaseline(
  registry: ModelRegistry,
  model: string | undefined,
  spec: string,
  workDir: string,
): Promise<ResolvedBaseline> {
  if (!model)
    throw new UserError(`baseline release:${spec} needs the model name`, { hint: "set model.name in ctrain.yml" });
  const versions = await registry.list(model);
  if (versions.filter((version) => !version.draft).length === 0) {
    return {
      origin: {
        kind: "none",
        description: `no published release of ${model}`,
        notes: ["first release: change thresholds are skipped"],
      },
    };
  }
  const release = await resolvePublished(registry, model, spec, `baseline release:${spec}`);
  const run = await readPublishedRun(registry, release, workDir);
  return {
    origin: {
      kind: "release",
      description: `release ${release.tag}`,
      release: release.tag,
      commit: run.source.commit,
      runUrl: /^https?:\/\//.test(release.location) ? release.location : undefined,
      createdAt: release.createdAt,
      notes: [],
    },
    metrics: run.metrics,
  };
}
