import { join } from "node:path";
import { Bundle, UserError, type ModelRegistry, type ResolvedBaseline } from "@ctrain/core";
import { readPublishedEvaluation, resolvePublished } from "@ctrain/publish";

/**
 * A `release:<tag|latest|range>` baseline: the published model's run record and evaluation predictions, read from the
 * registry into a run bundle under `workDir` and verified against the release manifest and the run record before
 * they are trusted. The predictions let the compare step run paired tests against the champion; a release published
 * before releases carried them gives its metrics alone, and the origin says why paired tests are impossible.
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
  const folder = join(workDir, `release-${release.tag.replace(/[^A-Za-z0-9._-]/g, "_")}`);
  const evaluation = await readPublishedEvaluation(registry, release, folder);
  const origin = {
    kind: "release" as const,
    description: `release ${release.tag}`,
    release: release.tag,
    commit: evaluation.run.source.commit,
    runUrl: /^https?:\/\//.test(release.location) ? release.location : undefined,
    createdAt: release.createdAt,
    notes: evaluation.noPredictions ? [`paired tests are impossible: ${evaluation.noPredictions}`] : [],
  };
  if (evaluation.noPredictions) return { origin, metrics: evaluation.run.metrics };
  return { origin, bundle: new Bundle(evaluation.bundleDir, { untrusted: true }), metrics: evaluation.run.metrics };
}
