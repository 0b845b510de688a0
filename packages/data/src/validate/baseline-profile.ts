import { isUserError, type CtrainConfig, type DatasetConfig, type ResolvedBaseline } from "@ctrain/core";
import type { DatasetProfile } from "../profile/index.js";
import { driftSection, type DriftSection } from "./drift-section.js";
import { fromProfileDocument } from "./profile-documents.js";
import type { ValidationLog } from "./progress-log.js";

export interface BaselineProfile {
  profile: DatasetProfile;
  description: string;
}

/** The baseline's profile of this dataset, checked as hostile input; a missing or broken one means no baseline. */
export function readBaselineProfile(
  name: string,
  baseline: ResolvedBaseline | undefined,
  log: ValidationLog,
): BaselineProfile | undefined {
  const bundle = baseline?.bundle;
  if (!baseline || !bundle) {
    if (baseline) log.info(`${name}: ${baseline.origin.description} has no run bundle, so no baseline profile`);
    return undefined;
  }
  const description = `the baseline (${baseline.origin.description})`;
  if (!bundle.listProfiles().includes(name)) {
    log.info(`${name}: ${description} has no profile of this dataset`);
    return undefined;
  }
  try {
    return { profile: fromProfileDocument(bundle.readProfile(name), `profile/${name}.json`), description };
  } catch (error) {
    if (!isUserError(error)) throw error;
    log.info(`${name}: the baseline's profile is unusable, so it is ignored: ${error.format()}`);
    return undefined;
  }
}

export function compareWithBaseline(
  name: string,
  dataset: DatasetConfig,
  config: CtrainConfig,
  profile: DatasetProfile,
  baseline: BaselineProfile | undefined,
  log: ValidationLog,
): DriftSection | undefined {
  if (!baseline) {
    log.info(`${name}: no baseline profile, so drift is not measured`);
    return undefined;
  }
  const { section, skipped } = driftSection(profile, baseline.profile, {
    baseline: baseline.description,
    datasetShare: config.data.drift["dataset-share"],
    columns: dataset.columns,
    exclude: dataset.key ?? [],
  });
  for (const { column, reason } of skipped) log.info(`${name}: drift of ${column} not measured: ${reason}`);
  const sampled = section.columns.filter((column) => column.sampled).map((column) => column.column);
  if (sampled.length > 0) {
    log.info(
      `${name}: drift of ${sampled.join(", ")} ran on reservoir samples of ${config.data.drift["sample-size"]} values`,
    );
  }
  return section;
}
