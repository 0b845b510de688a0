import { describe, expect, it } from "vitest";
import {
  bootstrapClassifierDelta,
  bootstrapClassifierDistribution,
  bootstrapRegressorDelta,
  deLongTest,
  mcnemarFromCounts,
  mcnemarInterval,
  mcnemarPValue,
  mcnemarTest,
  noiseBand,
  noiseBandChangeTest,
  pairClassifiers,
  pairRegressors,
} from "@ctrain/metrics";
import { binomialCdf, chiSquareSurvival, logGamma, normalCdf, normalQuantile } from "@ctrain/stats";
import { runReference } from "./python-reference.js";
import { closeTo, normalRandom, seededRandom } from "./generated-data.js";

/**
 * Two bootstrap runs with different random streams disagree by Monte Carlo error alone. An endpoint at
 * the 2.5% quantile of B resamples has standard error ~ sqrt(q(1-q)/B) / φ(z_q) * se = 2.67 se / sqrt(B);
 * BCa adds the error of its bias estimate z0 (~1.25 / sqrt(B) in z units, ~ se per unit). Two independent
 * runs: times sqrt(2). We allow 5 standard errors, plus one lattice step for discrete metrics.
 */
function monteCarloTolerance(standardError: number, resamples: number, bca: boolean, lattice = 0): number {
  const perRun = ((2.67 + (bca ? 1.25 : 0)) * standardError) / Math.sqrt(resamples);
  return 5 * Math.SQRT2 * perRun + lattice;
}

describe("special functions match scipy.special", () => {
  const points = {
    task: "special",
    ndtr: [-30, -10, -3.2, -1.96, -0.5, 0, 0.7, 2.5, 8],
    ndtri: [1e-300, 1e-12, 0.001, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999999],
    gammaln: [0.5, 1, 1.5, 3.7, 10, 101.25, 12345.6],
    chi2_sf: [
      [0.5, 1],
      [4.571428571428571, 1],
      [30, 1],
      [12, 7],
    ],
  };
  const [expected] = runReference<{ ndtr: number[]; ndtri: number[]; gammaln: number[]; chi2_sf: number[] }[]>(
    "metrics_significance.py",
    [points],
  );
  it("normal CDF, quantile, log-gamma and chi-square survival within 1e-12 relative", () => {
    points.ndtr.forEach((x, i) =>
      expect(closeTo(normalCdf(x) / expected!.ndtr[i]!, 1, 1e-12), `ndtr(${x})`).toBe(true),
    );
    points.ndtri.forEach((p, i) =>
      expect(closeTo(normalQuantile(p), expected!.ndtri[i]!, 1e-12), `ndtri(${p})`).toBe(true),
    );
    points.gammaln.forEach((x, i) =>
      expect(closeTo(logGamma(x), expected!.gammaln[i]!, 1e-13), `gammaln(${x})`).toBe(true),
    );
    points.chi2_sf.forEach(([x, df], i) =>
      expect(closeTo(chiSquareSurvival(x!, df!) / expected!.chi2_sf[i]!, 1, 1e-12), `chi2.sf(${x}, ${df})`).toBe(true),
    );
  });
});

describe("McNemar matches statsmodels", () => {
  const counts: [number, number][] = [
    [3, 11],
    [0, 0],
    [5, 5],
    [20, 7],
    [1, 0],
    [230, 290],
    [4000, 4150],
  ];
  interface McNemarReference {
    exact: number;
    chi2: number;
    chi2_corrected: number;
    binomtest: number;
    greater?: number;
    less?: number;
    ci?: [number, number];
  }
  const expected = runReference<McNemarReference[]>(
    "metrics_significance.py",
    counts.map(([b, c]) => ({ task: "mcnemar", b, c, confidence: 0.9 })),
  );
  counts.forEach(([b, c], i) => {
    it(`b=${b}, c=${c}`, () => {
      const result = mcnemarFromCounts(b, c);
      const reference = expected[i]!;
      expect(closeTo(result.pValue, reference.exact, 1e-10)).toBe(true);
      expect(closeTo(result.pValue, reference.binomtest, 1e-10)).toBe(true);
      if (b + c > 0) {
        expect(closeTo(result.chiSquare.pValue, reference.chi2, 1e-10)).toBe(true);
        expect(closeTo(result.chiSquare.correctedPValue, reference.chi2_corrected, 1e-10)).toBe(true);
        // One-sided tests and the exact interval answer the gate's question on the same counts.
        const counted = { baselineOnlyCorrect: b, candidateOnlyCorrect: c };
        expect(closeTo(mcnemarPValue(counted, "greater"), reference.greater!, 1e-10)).toBe(true);
        expect(closeTo(mcnemarPValue(counted, "less"), reference.less!, 1e-10)).toBe(true);
        const rows = 2 * (b + c) + 20;
        const [low, high] = mcnemarInterval(counted, rows, 0.9);
        const scale = (b + c) / rows;
        expect(low).toBeCloseTo(scale * (2 * reference.ci![0] - 1), 9);
        expect(high).toBeCloseTo(scale * (2 * reference.ci![1] - 1), 9);
        // The interval excludes 0 exactly when the two-sided exact p is below 1 - confidence.
        expect(low > 0 || high < 0).toBe(result.pValue < 0.1);
      }
    });
  });

  it("the binomial CDF matches scipy's on both tails and far from the mode", () => {
    const points: [number, number, number][] = [
      [3, 14, 0.5],
      [0, 10, 0.3],
      [7, 10, 0.3],
      [900, 1000, 0.95],
      [960, 1000, 0.95],
      [4000, 8150, 0.5],
      [12, 500, 0.01],
      [499, 500, 0.999],
    ];
    const [reference] = runReference<number[][]>("metrics_significance.py", [{ task: "binom_cdf", points }]);
    points.forEach(([k, n, p], i) => {
      const expectedCdf = reference![i]!;
      expect(Math.abs(binomialCdf(k, n, p) - expectedCdf)).toBeLessThan(1e-12 + 1e-10 * expectedCdf);
    });
  });

  it("counts b and c from paired predictions (statistics.md: b=3, c=11 gives exact p 0.0574, chi2 p 0.0325)", () => {
    const yTrue = Array.from({ length: 40 }, (_, i) => i % 2);
    const wrong = (y: number): number => 1 - y;
    const baseline = yTrue.map((y, i) => (i >= 3 && i < 14 ? wrong(y) : y));
    const candidate = yTrue.map((y, i) => (i < 3 ? wrong(y) : y));
    const result = mcnemarTest(pairClassifiers({ yTrue, yPred: baseline }, { yTrue, yPred: candidate }));
    expect(result.baselineOnlyCorrect).toBe(3);
    expect(result.candidateOnlyCorrect).toBe(11);
    expect(result.pValue).toBeCloseTo(0.0574, 4);
    expect(result.chiSquare.pValue).toBeCloseTo(0.0325, 4);
    expect(result.delta).toBeCloseTo(8 / 40, 12);
  });
});

describe("DeLong matches the O(n^2) placement-value definition", () => {
  const random = seededRandom(5);
  const gaussian = normalRandom(random);
  const y = Array.from({ length: 300 }, () => (random() < 0.35 ? 1 : 0));
  // Rounded scores: plenty of ties inside and across classes.
  const a = y.map((v) => Math.round((v * 0.8 + gaussian()) * 4) / 4);
  const b = y.map((v, i) => Math.round((v * 1.1 + 0.6 * gaussian() + 0.5 * a[i]!) * 4) / 4);
  const [reference] = runReference<{ auc: number[]; var: number[]; cov: number; z: number; p: number }[]>(
    "metrics_significance.py",
    [{ task: "delong", y, a, b }],
  );
  it("AUCs, variances, covariance, z and p", () => {
    const result = deLongTest(pairClassifiers({ yTrue: y, score: a }, { yTrue: y, score: b }));
    expect(closeTo(result.baseline, reference!.auc[0]!)).toBe(true);
    expect(closeTo(result.candidate, reference!.auc[1]!)).toBe(true);
    expect(closeTo(result.baselineVariance, reference!.var[0]!, 1e-10)).toBe(true);
    expect(closeTo(result.candidateVariance, reference!.var[1]!, 1e-10)).toBe(true);
    expect(closeTo(result.covariance, reference!.cov, 1e-10)).toBe(true);
    expect(closeTo(result.z, reference!.z, 1e-9)).toBe(true);
    expect(closeTo(result.pValue, reference!.p, 1e-9)).toBe(true);
  });
  it("identical models: no difference, p = 1", () => {
    const result = deLongTest(pairClassifiers({ yTrue: y, score: a }, { yTrue: y, score: a }));
    expect(result.delta).toBe(0);
    expect(result.pValue).toBe(1);
  });
});

interface ScipyInterval {
  low: number;
  high: number;
  standard_error: number;
}

describe("paired bootstrap agrees with scipy.stats.bootstrap within Monte Carlo error", () => {
  const random = seededRandom(9);
  const gaussian = normalRandom(random);
  const n = 2000;
  const resamples = 9999;
  const y = Array.from({ length: n }, () => (random() < 0.4 ? 1 : 0));
  const predict = (skill: number): number[] => y.map((v) => (random() < skill ? v : 1 - v));
  const pa = predict(0.8);
  const pb = predict(0.83);
  const yReg = Array.from({ length: n }, () => 10 + 3 * gaussian());
  const ra = yReg.map((v) => v + 1.2 * gaussian());
  const rb = yReg.map((v) => v + 1.1 * gaussian() + 0.3 * Math.abs(gaussian()));
  const absA = yReg.map((v, i) => Math.abs(v - ra[i]!));
  const absB = yReg.map((v, i) => Math.abs(v - rb[i]!));
  const sqA = yReg.map((v, i) => (v - ra[i]!) ** 2);
  const sqB = yReg.map((v, i) => (v - rb[i]!) ** 2);
  const three = Array.from({ length: 600 }, () => Math.floor(random() * 3));
  const t1 = three.map((v) => (random() < 0.7 ? v : Math.floor(random() * 3)));
  const t2 = three.map((v) => (random() < 0.75 ? v : Math.floor(random() * 3)));
  const cases = [
    {
      task: "bootstrap",
      statistic: "accuracy",
      data: [y, pa, pb],
      resamples,
      confidence: 0.95,
      method: "BCa",
      seed: 1,
    },
    { task: "bootstrap", statistic: "mean", data: [absA, absB], resamples, confidence: 0.95, method: "BCa", seed: 2 },
    { task: "bootstrap", statistic: "rmse", data: [sqA, sqB], resamples, confidence: 0.9, method: "BCa", seed: 3 },
    {
      task: "bootstrap",
      statistic: "accuracy",
      data: [y, pa, pb],
      resamples,
      confidence: 0.95,
      method: "percentile",
      seed: 4,
    },
    {
      task: "bootstrap",
      statistic: "f1_macro",
      data: [three, t1, t2],
      resamples: 2000,
      confidence: 0.95,
      method: "BCa",
      seed: 5,
    },
  ];
  const reference = runReference<ScipyInterval[]>("metrics_significance.py", cases);
  const classifier = pairClassifiers({ yTrue: y, yPred: pa }, { yTrue: y, yPred: pb });
  const regressor = pairRegressors({ yTrue: yReg, yPred: ra }, { yTrue: yReg, yPred: rb });
  const ours = [
    bootstrapClassifierDelta(classifier, "accuracy", { resamples, seed: 11 }),
    bootstrapRegressorDelta(regressor, "mae", { resamples, seed: 12 }),
    bootstrapRegressorDelta(regressor, "rmse", { resamples, seed: 13, confidence: 0.9 }),
    bootstrapClassifierDelta(classifier, "accuracy", { resamples, seed: 14, method: "percentile" }),
    bootstrapClassifierDelta(pairClassifiers({ yTrue: three, yPred: t1 }, { yTrue: three, yPred: t2 }), "f1_macro", {
      resamples: 2000,
      seed: 15,
    }),
  ];
  const names = [
    "accuracy (multinomial cells, BCa)",
    "MAE (row resampling, BCa)",
    "RMSE at 90% (BCa)",
    "accuracy (percentile)",
    "F1 macro, 3 classes (BCa)",
  ];
  names.forEach((name, i) => {
    it(name, () => {
      const expected = reference[i]!;
      const actual = ours[i]!;
      const bca = cases[i]!.method === "BCa";
      expect(actual.method).toBe(bca ? "bca" : "percentile");
      const lattice = name.includes("accuracy") ? 1 / n : 0;
      const tolerance = monteCarloTolerance(expected.standard_error, cases[i]!.resamples, bca, lattice);
      expect(
        Math.abs(actual.interval![0] - expected.low),
        `low ${actual.interval![0]} vs ${expected.low} (tol ${tolerance})`,
      ).toBeLessThan(tolerance);
      expect(
        Math.abs(actual.interval![1] - expected.high),
        `high ${actual.interval![1]} vs ${expected.high} (tol ${tolerance})`,
      ).toBeLessThan(tolerance);
      expect(Math.abs(actual.standardError - expected.standard_error)).toBeLessThan(0.1 * expected.standard_error);
    });
  });

  it("the same seed gives the same interval; another seed a different one", () => {
    const again = bootstrapClassifierDelta(classifier, "accuracy", { resamples, seed: 11 });
    expect(again.interval).toEqual(ours[0]!.interval);
    expect(bootstrapClassifierDelta(classifier, "accuracy", { resamples, seed: 99 }).interval).not.toEqual(
      ours[0]!.interval,
    );
  });

  it("identical models: every resampled delta is 0, BCa falls back to percentile and says why", () => {
    const same = bootstrapClassifierDelta(
      pairClassifiers({ yTrue: y, yPred: pa }, { yTrue: y, yPred: pa }),
      "accuracy",
      { resamples: 200 },
    );
    expect(same.interval).toEqual([0, 0]);
    expect(same.method).toBe("percentile");
    expect(same.fallbackReason).toMatch(/one side|do not vary/);
  });
});

describe("stratified ROC AUC bootstrap agrees with a plain numpy/sklearn reference", () => {
  const random = seededRandom(21);
  const gaussian = normalRandom(random);
  const y = Array.from({ length: 400 }, () => (random() < 0.3 ? 1 : 0));
  const a = y.map((v) => Math.round((v + 1.3 * gaussian()) * 10) / 10);
  const b = y.map((v) => Math.round((1.2 * v + 1.2 * gaussian()) * 10) / 10);
  const resamples = 1000;
  const [expected] = runReference<ScipyInterval[]>("metrics_significance.py", [
    { task: "stratified_auc", y, a, b, resamples, confidence: 0.95, seed: 3 },
  ]);
  it("percentile interval of the AUC delta", () => {
    const paired = pairClassifiers({ yTrue: y, score: a }, { yTrue: y, score: b });
    const ours = bootstrapClassifierDelta(paired, "roc_auc", { resamples, method: "percentile" });
    expect(ours.scheme).toBe("stratified-row-indices");
    const tolerance = monteCarloTolerance(expected!.standard_error, resamples, false);
    expect(Math.abs(ours.interval![0] - expected!.low)).toBeLessThan(tolerance);
    expect(Math.abs(ours.interval![1] - expected!.high)).toBeLessThan(tolerance);
    const bca = bootstrapClassifierDelta(paired, "roc_auc", { resamples });
    expect(bca.method).toBe("bca");
    expect(bca.delta).toBeCloseTo(deLongTest(paired).delta, 12);
  });
});

describe("noise band", () => {
  it("run-to-run sd = 1.4826 × MAD from at least three runs that vary", () => {
    const band = noiseBand([0.8, 0.82, 0.81, 0.79, 0.8])!;
    expect(band.median).toBe(0.8);
    expect(band.mad).toBeCloseTo(0.01, 12);
    expect(band.sd).toBeCloseTo(1.4826 * 0.01, 12);
    expect(noiseBand([0.8, 0.81])).toBeUndefined();
    expect(noiseBand([0.8, 0.81], 2)).toBeDefined();
    // Identical runs show no noise at all: no band, rather than calling every difference real.
    expect(noiseBand([0.8, 0.8, 0.8, 0.8])).toBeUndefined();
  });

  it("tests the difference of two runs against sd × √2, two-sided like the interval", () => {
    const band = noiseBand([0.8, 0.82, 0.81, 0.79, 0.8])!;
    const standardError = band.sd * Math.SQRT2;
    const test = noiseBandChangeTest(band, 2 * standardError);
    expect(test.pValue(0, "two-sided")).toBeCloseTo(2 * (1 - normalCdf(2)), 12);
    expect(test.pValue(0, "greater")).toBeCloseTo(1 - normalCdf(2), 12);
    const { bounds } = test.interval(0.95)!;
    expect(bounds[0]).toBeCloseTo(2 * standardError - 1.959963984540054 * standardError, 9);
    expect(bounds[0] > 0).toBe(test.pValue(0, "two-sided") < 0.05);
  });
});

describe("bootstrap p-values invert its intervals", () => {
  it("d0 lies outside the (1 - alpha) interval exactly when the two-sided p is below alpha", () => {
    const y = Array.from({ length: 300 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
    const a = y.map((label, i) => (label ? 0.6 : 0.4) + (((i * 37) % 101) - 50) / 150);
    const b = y.map((label, i) => (label ? 0.62 : 0.4) + (((i * 53) % 97) - 48) / 150);
    const paired = pairClassifiers({ yTrue: y, score: a }, { yTrue: y, score: b });
    const distribution = bootstrapClassifierDistribution(paired, "roc_auc", { resamples: 999 });
    for (const alpha of [0.01, 0.05, 0.2]) {
      const { interval } = distribution.interval(1 - alpha);
      for (const d0 of [-0.05, -0.01, 0, 0.01, 0.02, 0.05]) {
        const outside = d0 < interval![0] || d0 > interval![1];
        const p = distribution.pValue(d0, "two-sided");
        // Off by at most one resample's share at the edge (the empirical quantile interpolates).
        if (Math.abs(p - alpha) > 2 / 999) expect(outside, `alpha ${alpha}, d0 ${d0}, p ${p}`).toBe(p < alpha);
      }
    }
  });
});
