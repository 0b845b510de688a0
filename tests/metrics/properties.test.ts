import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateClassifier, evaluateRegressor, flattenMetrics } from "@ctrain/metrics";
import { logGamma, Random, upperGammaRegularized } from "@ctrain/stats";

/** The definition: the share of (positive, negative) pairs ranked correctly, ties one half. */
function pairwiseAuc(y: number[], score: number[]): number {
  let sum = 0;
  let pairs = 0;
  y.forEach((yi, i) =>
    y.forEach((yj, j) => {
      if (yi === 1 && yj === 0) {
        pairs++;
        sum += score[i]! > score[j]! ? 1 : score[i] === score[j] ? 0.5 : 0;
      }
    }),
  );
  return sum / pairs;
}

const binaryRows = fc
  .array(
    fc.tuple(
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 0, max: 6 }).map((k) => k / 6),
      fc.integer({ min: 0, max: 1 }),
    ),
    {
      minLength: 2,
      maxLength: 60,
    },
  )
  .filter((rows) => rows.some(([y]) => y === 1) && rows.some(([y]) => y === 0));

describe("properties", () => {
  it("ROC AUC equals the Mann-Whitney U statistic over n1 n0", () => {
    fc.assert(
      fc.property(binaryRows, (rows) => {
        const y = rows.map(([label]) => label);
        const score = rows.map(([, s]) => s);
        expect(evaluateClassifier({ yTrue: y, score }).metrics.roc_auc).toBeCloseTo(pairwiseAuc(y, score), 12);
      }),
    );
  });

  it("metrics do not depend on row order", () => {
    fc.assert(
      fc.property(binaryRows, fc.integer(), (rows, seed) => {
        const shuffled = [...rows];
        const random = Random.seeded(seed);
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = random.nextIndex(i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const evaluate = (r: typeof rows): Record<string, number> =>
          evaluateClassifier({ yTrue: r.map(([y]) => y), score: r.map(([, s]) => s), yPred: r.map(([, , p]) => p) })
            .metrics;
        const a = evaluate(rows);
        const b = evaluate(shuffled);
        for (const key of Object.keys(a)) expect(b[key]).toBeCloseTo(a[key]!, 12);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true })),
          { minLength: 2, maxLength: 50 },
        ),
        (rows) => {
          const a = evaluateRegressor({ yTrue: rows.map(([y]) => y), yPred: rows.map(([, p]) => p) }).metrics;
          const b = evaluateRegressor({
            yTrue: rows.map(([y]) => y).reverse(),
            yPred: rows.map(([, p]) => p).reverse(),
          }).metrics;
          for (const key of ["mse", "mae", "rmse"]) expect(b[key]).toBeCloseTo(a[key]!, 6);
        },
      ),
    );
  });

  it("flattening keeps every leaf under a dotted key", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.stringMatching(/^[a-z]{1,5}$/),
          fc.dictionary(
            fc.stringMatching(/^[a-z]{1,5}$/),
            fc.oneof(fc.double(), fc.string(), fc.boolean(), fc.constant(null)),
          ),
        ),
        (nested) => {
          const flat = flattenMetrics(nested);
          const leaves = Object.entries(nested).flatMap(([outer, inner]) =>
            Object.keys(inner).map((key) => `${outer}.${key}`),
          );
          expect(Object.keys(flat).sort()).toEqual(leaves.sort());
        },
      ),
    );
  });

  it("binomial draws follow the binomial distribution (chi-square goodness of fit, fixed seeds)", () => {
    const cases: [number, number][] = [
      [20, 0.2],
      [1000, 0.3],
      [1_000_000, 0.001],
      [50, 0.9],
      [300, 0.5],
    ];
    for (const [n, p] of cases) {
      const random = Random.seeded(n);
      const draws = 20_000;
      const mean = n * p;
      const sd = Math.sqrt(n * p * (1 - p));
      const low = Math.max(0, Math.floor(mean - 4 * sd));
      const high = Math.min(n, Math.ceil(mean + 4 * sd));
      const observed = new Map<number, number>();
      for (let i = 0; i < draws; i++) {
        const k = Math.min(high, Math.max(low, random.nextBinomial(n, p)));
        observed.set(k, (observed.get(k) ?? 0) + 1);
      }
      const pmf = (k: number): number =>
        Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
      // Bins of at least 5 expected draws, tails folded into the end bins.
      let statistic = 0;
      let bins = 0;
      let expectedRun = 0;
      let observedRun = 0;
      for (let k = low; k <= high; k++) {
        const tail = k === low ? sumPmf(pmf, 0, low - 1) : k === high ? sumPmf(pmf, high + 1, n) : 0;
        expectedRun += draws * (pmf(k) + tail);
        observedRun += observed.get(k) ?? 0;
        if (expectedRun >= 5 || k === high) {
          statistic += (observedRun - expectedRun) ** 2 / expectedRun;
          bins++;
          expectedRun = 0;
          observedRun = 0;
        }
      }
      const pValue = upperGammaRegularized((bins - 1) / 2, statistic / 2);
      expect(pValue, `Binomial(${n}, ${p}): chi2 ${statistic} on ${bins - 1} df`).toBeGreaterThan(1e-4);
    }
  });
});

function sumPmf(pmf: (k: number) => number, from: number, to: number): number {
  let sum = 0;
  for (let k = from; k <= Math.min(to, from + 5000); k++) sum += pmf(k);
  return sum;
}
