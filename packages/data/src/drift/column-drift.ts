import type { ColumnProfile, ProfileValue } from "../profile/index.js";
import { ColumnProfiler, compareValues } from "../profile/index.js";
import {
  chiSquareContingency,
  jensenShannon,
  ksTwoSample,
  lInfinity,
  normedWasserstein,
  psi,
  psiFromWeights,
  twoProportionZTest,
} from "@ctrain/stats";
import type { ColumnDriftOverride, ColumnDriftResult, DriftTest, SkippedColumn } from "./drift-result.js";
import { defaultThreshold, P_VALUE_TESTS } from "./drift-result.js";

/** Evidently switches from p-value tests to effect sizes above this many baseline values. */
const SMALL_SAMPLE = 1000;
const MAX_LISTED_CATEGORIES = 100;
/** Evidently's bin count when a numeric column is compared as categories. */
const NUMERIC_BINS = 30;

/** Counts per category on both sides, aligned; `other` pools what approximate counts did not keep. */
interface Categories {
  values: ProfileValue[];
  baseline: number[];
  current: number[];
  /** True when both sides counted every value: distinct counts and new categories are then exact. */
  exact: boolean;
  newCategories: ProfileValue[];
  missingCategories: ProfileValue[];
}

interface Side {
  profiler: ColumnProfiler;
  counts: ReturnType<ColumnProfiler["valueCounts"]>;
  numeric: boolean;
}

export function isSkipped(outcome: ColumnDriftResult | SkippedColumn): outcome is SkippedColumn {
  return "reason" in outcome;
}

/**
 * Drift of one column between a baseline and a current profile (each checked as hostile input: a broken
 * profile raises a UserError naming its location). The test is Evidently's default unless overridden:
 * with n baseline values and d distinct values on both sides together,
 * - numeric, n <= 1000: d > 5 KS, 3-5 chi-square, <= 2 Z-test; n > 1000: d > 5 normed Wasserstein, else Jensen-Shannon;
 * - categorical, n <= 1000: d > 2 chi-square, else Z-test; n > 1000: Jensen-Shannon.
 * KS, Wasserstein and numeric PSI run on the reservoir samples; the others on value counts. Past the exact
 * limit, categories outside the most frequent pool into one "other" count, and numbers are binned: 30 bins of
 * equal width over both samples, as Evidently bins numbers for its categorical tests.
 */
export function columnDrift(
  column: string,
  baselineProfile: ColumnProfile,
  currentProfile: ColumnProfile,
  override: ColumnDriftOverride = {},
  locations: [string, string] = ["baseline profile", "current profile"],
): ColumnDriftResult | SkippedColumn {
  if (override.test === "none") return { column, reason: "its drift test is none" };
  const baseline = side(ColumnProfiler.fromProfile(baselineProfile, locations[0]), baselineProfile);
  const current = side(ColumnProfiler.fromProfile(currentProfile, locations[1]), currentProfile);
  if (baseline.counts.total === 0) return { column, reason: "the baseline has no values in it" };
  if (current.counts.total === 0) return { column, reason: "the current data has no values in it" };
  if (baseline.numeric !== current.numeric) {
    return { column, reason: `its kinds differ: ${baselineProfile.type} in the baseline, ${currentProfile.type} now` };
  }
  const numeric = baseline.numeric;
  // Numbers are counted only up to the exact limit; past it a numeric column is compared by its samples.
  const countsExact = baseline.counts.mode === "exact" && current.counts.mode === "exact";
  const categories = !numeric || countsExact ? alignCategories(baseline, current) : undefined;
  const distinct = categories?.exact ? categories.values.length : Infinity;
  const size = numeric ? baselineProfile.numeric!.count : baseline.counts.total;
  const test = override.test && override.test !== "auto" ? override.test : defaultTest(numeric, size, distinct);
  if ((test === "ks" || test === "wasserstein") && !numeric) {
    return { column, reason: `${test} needs numbers, and it holds ${baselineProfile.type} values` };
  }
  const threshold = override.threshold ?? defaultThreshold(test);
  const listCategories = categories && (!numeric || distinct <= 5);
  const samples = numeric ? [baseline.profiler.sample(), current.profiler.sample()] : undefined;
  const sampled = samples?.some((sample) => sample.values.length < sample.population) ?? false;

  const outcome = runTest(test, numeric, samples, categories, baselineProfile.numeric?.standardDeviation ?? 0);
  const drifted = P_VALUE_TESTS.has(test) ? outcome.pValue! < threshold : outcome.statistic >= threshold;
  const psiScore = samples
    ? psi(samples[0]!.values, samples[1]!.values)
    : psiFromWeights(categories!.baseline, categories!.current);
  return {
    column,
    type: numeric ? "numeric" : "categorical",
    test,
    statistic: outcome.statistic,
    ...(outcome.pValue === undefined ? {} : { pValue: outcome.pValue }),
    threshold,
    drifted,
    sampled: outcome.onSamples && sampled,
    sampleSizes: outcome.sizes,
    psi: psiScore,
    newCategories: listCategories ? categories.newCategories : [],
    missingCategories: listCategories ? categories.missingCategories : [],
  };
}

function side(profiler: ColumnProfiler, profile: ColumnProfile): Side {
  return { profiler, counts: profiler.valueCounts(), numeric: profile.type === "integer" || profile.type === "float" };
}

function defaultTest(numeric: boolean, size: number, distinct: number): DriftTest {
  if (numeric) {
    if (size <= SMALL_SAMPLE) return distinct > 5 ? "ks" : distinct > 2 ? "chi-square" : "z-test";
    return distinct > 5 ? "wasserstein" : "jensen-shannon";
  }
  if (size <= SMALL_SAMPLE) return distinct > 2 ? "chi-square" : "z-test";
  return "jensen-shannon";
}

interface TestOutcome {
  statistic: number;
  pValue?: number;
  sizes: [number, number];
  onSamples: boolean;
}

function runTest(
  test: DriftTest,
  numeric: boolean,
  samples: { values: Float64Array }[] | undefined,
  categories: Categories | undefined,
  baselineStd: number,
): TestOutcome {
  if (test === "ks" || test === "wasserstein") {
    const [reference, current] = [samples![0]!.values, samples![1]!.values];
    const sizes: [number, number] = [reference.length, current.length];
    if (test === "wasserstein") {
      return { statistic: normedWasserstein(reference, current, baselineStd), sizes, onSamples: true };
    }
    const { statistic, pValue } = ksTwoSample(reference, current);
    return { statistic, pValue, sizes, onSamples: true };
  }
  if (test === "psi" && numeric) {
    const [reference, current] = [samples![0]!.values, samples![1]!.values];
    return { statistic: psi(reference, current), sizes: [reference.length, current.length], onSamples: true };
  }
  const onSamples = categories === undefined;
  const { baseline, current } = categories ?? binnedSamples(samples![0]!.values, samples![1]!.values);
  const sizes: [number, number] = [sum(baseline), sum(current)];
  switch (test) {
    case "chi-square": {
      const { statistic, pValue } = chiSquareContingency([baseline, current]);
      return { statistic, pValue, sizes, onSamples };
    }
    case "z-test": {
      // Evidently's indicator: 0 for the first value in sort order, 1 for any other.
      const { statistic, pValue } = twoProportionZTest(
        { hits: sizes[0] - baseline[0]!, total: sizes[0] },
        { hits: sizes[1] - current[0]!, total: sizes[1] },
      );
      return { statistic, pValue, sizes, onSamples };
    }
    case "jensen-shannon":
      return { statistic: jensenShannon(baseline, current).distance, sizes, onSamples };
    case "l-infinity":
      return { statistic: lInfinity(baseline, current), sizes, onSamples };
    default:
      return { statistic: psiFromWeights(baseline, current), sizes, onSamples };
  }
}

/**
 * Both sides' counts over the union of their values, sorted; approximate counts add an "other" category with
 * what their counters do not hold. New and missing categories are listed where the other side is exact.
 */
function alignCategories(baseline: Side, current: Side): Categories {
  const values = [...new Set([...baseline.counts.counts.keys(), ...current.counts.counts.keys()])].sort(compareValues);
  const counts = (counts: Side["counts"]): number[] => values.map((value) => counts.counts.get(value) ?? 0);
  const baselineCounts = counts(baseline.counts);
  const currentCounts = counts(current.counts);
  const exact = baseline.counts.mode === "exact" && current.counts.mode === "exact";
  if (!exact) {
    baselineCounts.push(baseline.counts.total - sum(baselineCounts));
    currentCounts.push(current.counts.total - sum(currentCounts));
  }
  const absentFrom = (side: Side, other: Side): ProfileValue[] =>
    side.counts.mode === "exact"
      ? values
          .filter((value) => !side.counts.counts.has(value) && other.counts.counts.has(value))
          .slice(0, MAX_LISTED_CATEGORIES)
      : [];
  return {
    values,
    baseline: baselineCounts,
    current: currentCounts,
    exact,
    newCategories: absentFrom(baseline, current),
    missingCategories: absentFrom(current, baseline),
  };
}

/** Counts of both samples in 30 equal-width bins over their joint range (numpy.histogram_bin_edges). */
function binnedSamples(reference: Float64Array, current: Float64Array): { baseline: number[]; current: number[] } {
  let low = Infinity;
  let high = -Infinity;
  for (const values of [reference, current]) {
    for (const value of values) {
      if (value < low) low = value;
      if (value > high) high = value;
    }
  }
  const bin = (value: number): number =>
    high === low ? 0 : Math.min(NUMERIC_BINS - 1, Math.floor(((value - low) / (high - low)) * NUMERIC_BINS));
  const histogram = (values: Float64Array): number[] => {
    const counts = new Array<number>(NUMERIC_BINS).fill(0);
    for (const value of values) counts[bin(value)]!++;
    return counts;
  };
  return { baseline: histogram(reference), current: histogram(current) };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
