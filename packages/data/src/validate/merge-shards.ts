import { isAbsolute, resolve } from "node:path";
import { existsSync, statSync } from "node:fs";
import {
  filesFingerprint,
  Bundle,
  UserError,
  isUserError,
  type CheckResult,
  type CtrainConfig,
  type DataFileDigest,
  type ProfileDocument,
  type ResolvedBaseline,
  type RunSource,
  type ValidationDocument,
} from "@ctrain/core";
import { baselineFacts } from "../checks/baseline-facts.js";
import {
  PARTIAL_UNEXPECTED_COUNT,
  type UnexpectedTally,
  formatCount,
  formatPercent,
  resultsPass,
  summarizeResults,
} from "../checks/results.js";
import { uniqueColumnResult } from "../checks/column-checks.js";
import { duplicateRowsResult, keyResult } from "../checks/row-checks.js";
import { classShareResult, EMPTY_COLUMN_CHECK, emptyColumnResults, rowCountResults } from "../checks/table-checks.js";
import type { DatasetProfile } from "../profile/index.js";
import { compareWithBaseline, readBaselineProfile } from "./baseline-profile.js";
import { readExampleRows, type ExampleRequest } from "./example-rows.js";
import { KEYS_FOLDER, joinShardRepeats, repeatsTally, type JoinedRepeats, type RepeatCheckOf } from "./key-join.js";
import { fromProfileDocument, mergeProfileDocuments } from "./profile-documents.js";
import type { ValidationLog } from "./progress-log.js";
import type { ValidationOutcome } from "./validate-datasets.js";

export interface MergeShardsOptions {
  baseline?: ResolvedBaseline;
  log?: ValidationLog;
  /** Only these datasets (default: every dataset the shards profiled). */
  datasets?: readonly string[];
  /** Where the folder patterns start. Default `process.cwd()`. */
  cwd?: string;
  source?: RunSource;
  now?: () => Date;
}

/** Checks that need the whole data, re-run on the merged totals instead of being added up. */
const RECOMPUTED = new Set([
  "expect_table_row_count_to_be_between",
  "expect_table_row_count_ratio_to_baseline_to_be_between",
  "expect_label_class_shares_to_be_at_least",
]);
/** Checks that find repeats: a shard sees only its own rows unless its partitions are joined (`joinRepeatResults`). */
const REPEAT_CHECKS = new Set([
  "expect_column_values_to_be_unique",
  "expect_compound_columns_to_be_unique",
  "expect_table_rows_to_be_unique",
  "expect_identical_features_to_have_one_label",
]);
const DUPLICATE_ROWS = "expect_table_rows_to_be_unique";
const UNIQUE_COLUMN = "expect_column_values_to_be_unique";
const KEY_CHECKS = new Set([UNIQUE_COLUMN, "expect_compound_columns_to_be_unique"]);
const NOT_NULL = "expect_column_values_to_not_be_null";

interface Shard {
  folder: string;
  profiles: Map<string, { document: ProfileDocument; location: string }>;
  validation?: ValidationDocument;
}

type DatasetEntry = ValidationDocument["datasets"][number];

/**
 * The fan-in of a sharded validation, where matrix jobs each validated some of a dataset's files: reads each shard
 * bundle's profile/<dataset>.json (and validation.json when present), merges the profiles into what one pass over
 * all files gives, adds up the shards' check results (scored again with `mostly` on the totals), re-checks row counts
 * and class shares on the merged profile, and measures drift on it against the baseline. The key, duplicate rows and
 * unique columns are joined across shards from the key partitions each shard saved (`joinShardRepeats`); conflicting
 * labels were found within each shard only, and the result says so.
 */
export async function mergeShardProfiles(
  config: CtrainConfig,
  patterns: readonly string[],
  options: MergeShardsOptions = {},
): Promise<ValidationOutcome> {
  const log = options.log ?? { info: () => undefined, startGroup: () => undefined, endGroup: () => undefined };
  const now = options.now ?? (() => new Date());
  const shards = (await shardFolders(patterns, options.cwd ?? process.cwd())).map(readShard);
  const names = [...new Set(shards.flatMap((shard) => [...shard.profiles.keys()]))].filter(
    (name) => !options.datasets?.length || options.datasets.includes(name),
  );
  const entries: DatasetEntry[] = [];
  const profiles: ProfileDocument[] = [];
  const errors: UserError[] = shards.flatMap((shard) =>
    (shard.validation?.errors ?? []).map(
      (error) => new UserError(`shard ${shard.folder}: ${error.message}`, { location: error.location }),
    ),
  );
  for (const name of names) {
    log.startGroup(`Merge the shard profiles of ${name}`);
    try {
      const parts = shards.flatMap((shard) => {
        const part = shard.profiles.get(name);
        return part ? [part] : [];
      });
      log.info(`${name}: ${parts.length} shard profile(s): ${parts.map((part) => part.location).join(", ")}`);
      let merged: ProfileDocument;
      try {
        merged = mergeProfileDocuments(parts, now());
      } catch (error) {
        if (!isUserError(error)) throw error;
        errors.push(error);
        entries.push({ name, files: [], rows: 0, columns: [], success: false, results: [] });
        continue;
      }
      const profile = fromProfileDocument(merged, `merged profile of ${name}`);
      const dataset = config.data.datasets[name];
      const baseline = readBaselineProfile(name, options.baseline, log);
      const shardResults = shards.map(
        (shard) => shard.validation?.datasets.find((entry) => entry.name === name)?.results ?? [],
      );
      // A column empty in one shard need not be empty in all: that warning is judged on the merged profile.
      const results = [
        ...combineShardResults(
          shardResults.map((results) => results.filter((result) => result.check !== EMPTY_COLUMN_CHECK)),
          profile,
        ),
        ...emptyColumnResults(profile),
      ];
      try {
        await joinRepeatResults(config, name, shards, results, merged.files, options.cwd ?? process.cwd(), log);
      } catch (error) {
        if (!isUserError(error)) throw error;
        errors.push(error);
      }
      if (dataset) {
        const facts = baseline
          ? baselineFacts(baseline.profile, { description: baseline.description, label: dataset.label })
          : undefined;
        const notice = (message: string) => log.info(message);
        results.push(
          ...rowCountResults({
            rows: profile.rows,
            config: dataset.rows,
            severity: dataset.severity,
            key: `data.datasets.${name}`,
            baseline: facts,
            notice,
          }),
        );
        const share = dataset["label-checks"]["min-class-share"];
        if (dataset.label !== undefined && share !== undefined) {
          const counts = classCounts(profile, dataset.label);
          if (counts) results.push(classShareResult(dataset.label, counts, share, dataset.severity));
          else
            log.info(
              `${name}: the merged profile did not count every ${dataset.label} value, so class shares are not checked`,
            );
        }
      } else {
        log.info(`${name}: not in data.datasets, so only its shard results are merged`);
      }
      const drift =
        dataset && config.data.drift.enabled
          ? compareWithBaseline(name, dataset, config, profile, baseline, log)
          : undefined;
      const success = resultsPass(results) && !(drift?.datasetDrift && config.data.drift["fail-on-drift"]);
      log.info(
        `${name}: ${formatCount(profile.rows)} rows from ${merged.files.length} files; ${results.length} checks, ${results.filter((r) => !r.success).length} failed`,
      );
      entries.push({
        name,
        files: merged.files,
        ...(merged.files.length > 0 ? { fingerprint: filesFingerprint(merged.files) } : {}),
        rows: profile.rows,
        columns: Object.keys(profile.columns),
        success,
        results,
        ...(drift ? { drift } : {}),
      });
      profiles.push(merged);
    } finally {
      log.endGroup();
    }
  }
  const validation: ValidationDocument = {
    schema: "ctrain.validation/v1",
    createdAt: now().toISOString(),
    ...(options.source ? { source: options.source } : {}),
    success: errors.length === 0 && entries.every((entry) => entry.success),
    statistics: summarizeResults(entries.flatMap((entry) => entry.results)),
    datasets: entries,
    errors: errors.map((error) => ({
      message: error.message,
      ...(error.location ? { location: error.location } : {}),
    })),
  };
  return { validation, profiles, errors };
}

/**
 * Replaces the summed results of the repeat checks the shards saved partitions for (the key, duplicate rows, unique
 * columns) with the result of joining them: what one pass over all files gives.
 */
async function joinRepeatResults(
  config: CtrainConfig,
  name: string,
  shards: readonly Shard[],
  results: CheckResult[],
  files: readonly DataFileDigest[],
  cwd: string,
  log: ValidationLog,
): Promise<void> {
  const dataset = config.data.datasets[name];
  const holding = shards.filter((shard) => shard.profiles.has(name));
  const ran = (result: CheckResult) =>
    holding
      .filter((shard) =>
        shard.validation?.datasets
          .find((entry) => entry.name === name)
          ?.results.some((own) => own.check === result.check && own.column === result.column),
      )
      .map((shard) => shard.folder);
  const joins: { at: number; joined: JoinedRepeats; rebuild: (repeats: UnexpectedTally) => CheckResult }[] = [];
  const requests: ExampleRequest[] = [];
  const join = (
    at: number,
    of: RepeatCheckOf,
    folders: readonly string[],
    rebuild: (joined: JoinedRepeats, repeats: UnexpectedTally) => CheckResult,
  ) => {
    const joined = joinShardRepeats(folders, name, of, holding.length);
    if (!joined) return;
    joins.push({ at, joined, rebuild: (repeats) => rebuild(joined, repeats) });
    for (const example of joined.examples) if (!("value" in example)) requests.push({ example, of });
    log.info(
      `${name}: ${results[at]!.check} (${of.columns.join(", ") || "rows"}) joined across ${folders.length} shard(s)`,
    );
  };
  const key = dataset?.key;
  const keyColumn = key?.join(", ");
  // The key's result comes after the column checks', so it is the last on its columns (a key column may be unique too).
  const keyAt = results.findLastIndex((result) => KEY_CHECKS.has(result.check) && result.column === keyColumn);
  for (const [at, result] of results.entries()) {
    const { severity } = result;
    const mostly = result.mostly ?? 1;
    if (key && at === keyAt) {
      // The key's identity comes from ctrain.yml, which every shard must share.
      const identity = { columns: key, severity: dataset!.severity, mostly: dataset!.mostly };
      join(at, { check: "key", columns: key }, ran(result), (joined, repeats) =>
        keyResult(identity, joined.rows, joined.counted, repeats),
      );
    } else if (result.check === DUPLICATE_ROWS) {
      join(at, { check: "duplicate-rows", columns: [] }, ran(result), (joined, repeats) =>
        duplicateRowsResult({ severity, mostly }, joined.rows, repeats),
      );
    } else if (result.check === UNIQUE_COLUMN && result.column !== undefined) {
      const column = result.column;
      join(at, { check: "unique-column", columns: [column] }, ran(result), (joined, repeats) =>
        uniqueColumnResult({ column, severity, mostly }, joined.rows, joined.counted, repeats),
      );
    }
  }
  // One read of the data gives every check's examples of repeats across shards.
  if (requests.length > 0) await readExampleRows(config, name, files, requests, cwd, log);
  for (const { at, joined, rebuild } of joins) results[at] = rebuild(repeatsTally(joined));
}

async function shardFolders(patterns: readonly string[], cwd: string): Promise<string[]> {
  const { glob, isDynamicPattern } = await import("tinyglobby");
  const folders = new Set<string>();
  for (const pattern of patterns) {
    const matches = isDynamicPattern(pattern)
      ? await glob(pattern, { cwd, onlyDirectories: true, absolute: true, expandDirectories: false })
      : existsSync(resolve(cwd, pattern)) && statSync(resolve(cwd, pattern)).isDirectory()
        ? [resolve(cwd, pattern)]
        : [];
    if (matches.length === 0) {
      throw new UserError(`no shard folder matches ${pattern} (working directory: ${cwd})`, {
        location: "merge-profiles",
        hint: "download the shard bundles first (actions/download-artifact), then name their folders or a glob of them",
      });
    }
    for (const match of matches) folders.add(isAbsolute(match) ? match.replace(/\/$/, "") : resolve(cwd, match));
  }
  return [...folders].sort();
}

/** A shard bundle from another job: hostile input, so every document is checked as it is read. */
function readShard(folder: string): Shard {
  const bundle = new Bundle(folder, { untrusted: true, skipFolders: [KEYS_FOLDER] });
  const profiles = new Map<string, { document: ProfileDocument; location: string }>();
  for (const name of bundle.listProfiles()) {
    profiles.set(name, { document: bundle.readProfile(name), location: `${folder}/profile/${name}.json` });
  }
  if (profiles.size === 0) {
    throw new UserError(`the shard folder holds no profile/<dataset>.json`, {
      location: folder,
      hint: "point merge-profiles at the folders of the shard bundles the validate steps wrote",
    });
  }
  const validation = bundle.readIfPresent("validation");
  return { folder, profiles, ...(validation ? { validation } : {}) };
}

/** Every exact value count of the label column, as class names; undefined when the profile kept only the top ones. */
function classCounts(profile: DatasetProfile, label: string): Map<string, number> | undefined {
  const values = profile.columns[label]?.sketch.values;
  if (!values || values.mode !== "exact") return undefined;
  return new Map(values.entries.map(([value, count]) => [String(value), count]));
}

/**
 * One result per check from the shards' results, in first-seen order. Checks with `mostly` add up their counts, keep
 * examples up to the limit and are scored again on the totals (over the column's non-null values from the merged
 * profile; the null share over all rows); any other check passes when it passed in every shard, and shows the first
 * shard where it failed.
 */
export function combineShardResults(
  shards: readonly (readonly CheckResult[])[],
  profile: DatasetProfile,
): CheckResult[] {
  const groups = new Map<string, CheckResult[]>();
  for (const results of shards) {
    // A check can run twice on one column (a single-column key that is also `unique: true`): the n-th of a shard
    // goes with the n-th of the others.
    const seen = new Map<string, number>();
    for (const result of results) {
      if (RECOMPUTED.has(result.check)) continue;
      const identity = JSON.stringify([result.check, result.column ?? null, result.severity]);
      const nth = seen.get(identity) ?? 0;
      seen.set(identity, nth + 1);
      const key = `${identity}#${nth}`;
      const group = groups.get(key);
      if (group) group.push(result);
      else groups.set(key, [result]);
    }
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const failing = group.find((result) => !result.success) ?? first;
    // A check on the columns themselves (they exist, they are declared) holds for the data when it holds for every shard.
    if (first.mostly === undefined) return { ...failing, success: failing.success };
    const elements = group.reduce((sum, result) => sum + result.result.element_count, 0);
    const unexpected = group.reduce((sum, result) => sum + result.result.unexpected_count, 0);
    const examples = group
      .flatMap((result) => result.result.partial_unexpected_list)
      .slice(0, PARTIAL_UNEXPECTED_COUNT);
    const column = first.column === undefined ? undefined : profile.columns[first.column];
    let denominator = elements;
    let success: boolean;
    if (first.check === NOT_NULL) {
      success = elements === 0 || unexpected / elements <= 1 - first.mostly + 1e-12;
    } else {
      if (column) denominator = column.count - column.nullCount;
      success = denominator === 0 || (denominator - unexpected) / denominator >= first.mostly;
    }
    const percent = denominator === 0 ? 0 : Math.min(100, (100 * unexpected) / denominator);
    const scope = REPEAT_CHECKS.has(first.check)
      ? " (repeats found within each shard; across shards they are not checked)"
      : "";
    return {
      ...first,
      success,
      message: `${group.length} shard(s): ${formatCount(unexpected)} of ${formatCount(denominator)} unexpected (${formatPercent(percent)})${scope}; e.g. ${failing.message}`,
      result: {
        element_count: elements,
        unexpected_count: unexpected,
        unexpected_percent: percent,
        ...(first.check === NOT_NULL && elements > 0 ? { observed_value: unexpected / elements } : {}),
        partial_unexpected_list: examples,
      },
    };
  });
}
