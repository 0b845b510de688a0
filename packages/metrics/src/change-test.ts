import { normalCdf, normalQuantile } from "@ctrain/stats";
import type { Alternative, BootstrapDistribution } from "./bootstrap.js";
import type { DeLongResult, McNemarResult, NoiseBand } from "./significance.js";
import { mcnemarInterval, mcnemarPValue } from "./significance.js";

/**
 * One question every test answers the same way: is the change of a metric (candidate - baseline) different from
 * `d0`, on the side the alternative names? The gate asks it of its bound; the label asks it of 0.
 */
export interface ChangeTest {
  readonly method: "mcnemar" | "delong" | "bootstrap" | "noise-band";
  /** The observed change, candidate - baseline. */
  readonly delta: number;
  /** Rows both runs scored, or base-branch runs behind a noise band. */
  readonly size: number;
  /** Two-sided interval of the change at `confidence`, with the interval method's name. */
  interval(confidence: number): { readonly bounds: readonly [number, number]; readonly method: string } | null;
  /** p of "change = d0" against `alternative`. */
  pValue(d0: number, alternative: Alternative): number;
  /** What limits the test, for the reader (e.g. "BCa fell back to percentiles: ..."). */
  readonly note?: string;
}

/** A normal test of delta against d0 with a known standard error (DeLong, the noise band). */
function normalTest(delta: number, standardError: number) {
  return {
    interval(confidence: number): readonly [number, number] {
      const z = normalQuantile(1 - (1 - confidence) / 2);
      return [delta - z * standardError, delta + z * standardError];
    },
    pValue(d0: number, alternative: Alternative): number {
      if (!(standardError > 0)) {
        // No spread: the change is exactly what was observed.
        const side = delta > d0 ? 1 : delta < d0 ? -1 : 0;
        if (alternative === "two-sided") return side === 0 ? 1 : 0;
        return (alternative === "greater" ? side > 0 : side < 0) ? 0 : 1;
      }
      const z = (delta - d0) / standardError;
      if (alternative === "greater") return 1 - normalCdf(z);
      if (alternative === "less") return normalCdf(z);
      return Math.min(1, 2 * normalCdf(-Math.abs(z)));
    },
  };
}

/**
 * McNemar's exact test, conditional on the discordant rows: it tests "no change" only, so a gate whose bound is not 0
 * is tested by the paired bootstrap instead (`evidence.ts` chooses). The interval is Clopper-Pearson's on the share
 * of discordant rows the candidate won, scaled to the accuracy change: it excludes 0 exactly when the two-sided
 * exact p is below 1 - confidence.
 */
export function mcnemarChangeTest(result: McNemarResult, rows: number): ChangeTest {
  return {
    method: "mcnemar",
    delta: result.delta,
    size: rows,
    interval: (confidence) => ({ bounds: mcnemarInterval(result, rows, confidence), method: "exact-conditional" }),
    pValue(d0, alternative) {
      if (d0 !== 0) throw new Error("McNemar's test only tests a change of 0");
      return mcnemarPValue(result, alternative);
    },
  };
}

export function deLongChangeTest(result: DeLongResult, rows: number): ChangeTest {
  const test = normalTest(result.delta, result.standardError);
  return {
    method: "delong",
    delta: result.delta,
    size: rows,
    interval: (confidence) => ({ bounds: test.interval(confidence), method: "delong" }),
    pValue: test.pValue,
  };
}

export function bootstrapChangeTest(distribution: BootstrapDistribution, rows: number): ChangeTest {
  return {
    method: "bootstrap",
    delta: distribution.delta,
    size: rows,
    interval(confidence) {
      const { interval, method } = distribution.interval(confidence);
      return interval ? { bounds: interval, method: `bootstrap-${method}` } : null;
    },
    pValue: distribution.pValue,
    note: distribution.interval(0.95).fallbackReason,
  };
}

/**
 * Two runs without predictions: their difference is judged against the base branch's run-to-run spread. Each run
 * carries that noise, so the difference has a standard deviation of sd * sqrt(2).
 */
export function noiseBandChangeTest(band: NoiseBand, delta: number): ChangeTest {
  const test = normalTest(delta, band.sd * Math.SQRT2);
  return {
    method: "noise-band",
    delta,
    size: band.runs,
    interval: (confidence) => ({ bounds: test.interval(confidence), method: "noise-band" }),
    pValue: test.pValue,
  };
}
