import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bootstrapClassifierDelta,
  bootstrapRegressorDelta,
  evaluateClassifier,
  evaluateQuantiles,
  evaluateRanking,
  evaluateRegressor,
  evaluateSlices,
  pairClassifiers,
  pairRegressors,
} from "@ctrain/metrics";

/** Binary rows: (y_true, probability of 1 on a coarse grid so scores tie, y_pred); both classes present. */
const binaryRows = fc
  .array(
    fc.tuple(
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 0, max: 10 }).map((k) => k / 10),
      fc.integer({ min: 0, max: 1 }),
    ),
    { minLength: 2, maxLength: 80 },
  )
  .filter((rows) => rows.some(([y]) => y === 1) && rows.some(([y]) => y === 0));

const multiclassRows = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), {
  minLength: 1,
  maxLength: 80,
});

const columns = <T extends unknown[]>(rows: T[]) => rows[0]!.map((_, k) => rows.map((row) => row[k])) as unknown[][];

describe("properties of the new metrics", () => {
  it("bounds: every probability-like metric in [0, 1], MCC and kappa at most 1", () => {
    fc.assert(
      fc.property(binaryRows, (rows) => {
        const [yTrue, score, yPred] = columns(rows) as number[][];
        const m = evaluateClassifier({ yTrue: yTrue!, score: score!, yPred: yPred! }).metrics;
        for (const key of ["average_precision", "brier_score", "expected_calibration_error", "balanced_accuracy"]) {
          expect(m[key]).toBeGreaterThanOrEqual(0);
          expect(m[key]).toBeLessThanOrEqual(1 + 1e-12);
        }
        expect(Math.abs(m.matthews_corrcoef!)).toBeLessThanOrEqual(1 + 1e-12);
        if (m.cohen_kappa !== undefined) expect(m.cohen_kappa).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it("average precision depends only on the order of the scores; ROC AUC and it agree on a perfect ranking", () => {
    fc.assert(
      fc.property(binaryRows, (rows) => {
        const [yTrue, score] = columns(rows) as number[][];
        const before = evaluateClassifier({ yTrue: yTrue!, score: score! }).metrics;
        const after = evaluateClassifier({ yTrue: yTrue!, score: score!.map((s) => Math.exp(3 * s) - 7) }).metrics;
        expect(after.average_precision).toBeCloseTo(before.average_precision!, 12);
        const perfect = evaluateClassifier({ yTrue: yTrue!, score: yTrue!.map((y) => y) }).metrics;
        expect([perfect.average_precision, perfect.roc_auc]).toEqual([1, 1]);
      }),
    );
  });

  it("MCC is symmetric in y_true and y_pred, and every label metric ignores row order", () => {
    fc.assert(
      fc.property(multiclassRows, fc.nat(), (rows, shift) => {
        const [yTrue, yPred] = columns(rows) as number[][];
        const m = evaluateClassifier({ yTrue: yTrue!, yPred: yPred! }).metrics;
        expect(evaluateClassifier({ yTrue: yPred!, yPred: yTrue! }).metrics.matthews_corrcoef).toBeCloseTo(
          m.matthews_corrcoef!,
          12,
        );
        const rotate = <T>(values: T[]): T[] => values.map((_, i) => values[(i + shift) % values.length]!);
        const rotated = evaluateClassifier({ yTrue: rotate(yTrue!), yPred: rotate(yPred!) }).metrics;
        for (const key of ["balanced_accuracy", "matthews_corrcoef", "cohen_kappa"]) {
          // Cohen's kappa is left out when both sides hold one class, whatever the order.
          expect(rotated[key] === undefined, key).toBe(m[key] === undefined);
          if (m[key] !== undefined) expect(rotated[key]).toBeCloseTo(m[key], 12);
        }
      }),
    );
  });

  it("regression: pinball loss at 0.5 is half the MAE; explained variance ignores a constant bias that R2 punishes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 })), {
          minLength: 2,
          maxLength: 50,
        }),
        fc.integer({ min: 1, max: 20 }),
        (rows, bias) => {
          const [yTrue, yPred] = columns(rows) as number[][];
          const regression = evaluateRegressor({ yTrue: yTrue!, yPred: yPred! }).metrics;
          const quantile = evaluateQuantiles({ yTrue: yTrue!, quantiles: { levels: [0.5], values: [yPred!] } }).metrics;
          expect(quantile["pinball_loss@0.5"]).toBeCloseTo(regression.mae! / 2, 9);
          const biased = evaluateRegressor({ yTrue: yTrue!, yPred: yPred!.map((y) => y + bias) }).metrics;
          expect(biased.explained_variance).toBeCloseTo(regression.explained_variance!, 9);
          expect(biased.median_absolute_error).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it("ranking: NDCG and MAP lie in [0, 1], ignore a monotone rescoring and the order of queries", () => {
    const documents = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 8 })),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(documents, (rows) => {
        const evaluate = (order: typeof rows, transform: (s: number) => number) =>
          evaluateRanking(
            {
              group: { column: "q", values: order.map(([q]) => `q${q}`) },
              relevance: order.map(([, r]) => r),
              score: order.map(([, , s]) => transform(s)),
            },
            { k: [1, 3, 10] },
          ).metrics;
        const m = evaluate(rows, (s) => s);
        for (const [key, value] of Object.entries(m)) {
          if (!key.includes("@")) continue;
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1 + 1e-12);
        }
        const rescored = evaluate(rows, (s) => 2 * s + 1);
        for (const key of Object.keys(m)) expect(rescored[key]).toBeCloseTo(m[key]!, 12);
        const byQuery = [...rows].sort((a, b) => b[0] - a[0]);
        const reordered = evaluate(byQuery, (s) => s);
        for (const key of ["ndcg@1", "ndcg@3", "ndcg@10"]) expect(reordered[key]).toBeCloseTo(m[key]!, 12);
      }),
    );
  });

  it("slices: the gap is >= 0 and the worst slice is no better than any gated slice", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.integer({ min: 0, max: 1 })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 15 }),
        (rows, minRows) => {
          const sliced = evaluateSlices(
            { columns: [{ column: "s", values: rows.map(([s]) => s) }], groupings: [["s"]] },
            minRows,
            (picked) => ({ accuracy: picked.filter((row) => rows[row]![1] === 1).length / picked.length }),
          );
          const gated = sliced.slices.filter((slice) => slice.gated).map((slice) => slice.metrics.accuracy!);
          expect(sliced.slices.every((slice) => slice.gated === slice.rows >= minRows)).toBe(true);
          if (gated.length === 0) expect(sliced.metrics["slice-worst:s/accuracy"]).toBeUndefined();
          else expect(sliced.metrics["slice-worst:s/accuracy"]).toBe(Math.min(...gated));
          if (gated.length >= 2) expect(sliced.metrics["slice-gap:s/accuracy"]).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});

describe("paired bootstrap of the new metrics", () => {
  it("observes the evaluated values of both models", () => {
    const yTrue = Array.from({ length: 120 }, (_, row) => row % 4);
    const probabilities = (shift: number) => ({
      classLabels: [0, 1, 2, 3],
      matrix: yTrue.map((y, row) =>
        [0, 1, 2, 3].map(
          (k) =>
            (k === y ? 0.4 : 0.2) +
            ((row + shift + k) % 3 === 0 ? 0.1 : 0) -
            (k === 3 ? 0.1 * Number((row + shift) % 3 === 0) : 0),
        ),
      ),
    });
    const normalized = (p: ReturnType<typeof probabilities>) => ({
      ...p,
      matrix: p.matrix.map((row) => row.map((v) => v / row.reduce((a, b) => a + b, 0))),
    });
    const baseline = { yTrue, probabilities: normalized(probabilities(0)) };
    const candidate = { yTrue, probabilities: normalized(probabilities(1)) };
    const paired = pairClassifiers(baseline, candidate);
    const ours = evaluateClassifier(baseline, { k: [2] }).metrics;
    const theirs = evaluateClassifier(candidate, { k: [2] }).metrics;
    for (const metric of ["balanced_accuracy", "matthews_corrcoef", "cohen_kappa", "top_k_accuracy@2"]) {
      const result = bootstrapClassifierDelta(paired, metric, { resamples: 200, seed: 1 });
      expect(result.baseline, metric).toBeCloseTo(ours[metric]!, 12);
      expect(result.candidate, metric).toBeCloseTo(theirs[metric]!, 12);
    }
    const binaryTrue = yTrue.map((y) => (y > 1 ? 1 : 0));
    const binary = (offset: number) => ({
      yTrue: binaryTrue,
      score: binaryTrue.map((y, row) => (y ? 0.6 : 0.3) + ((row * 7 + offset) % 5) / 20),
    });
    const brier = bootstrapClassifierDelta(pairClassifiers(binary(0), binary(2)), "brier_score", {
      resamples: 200,
      seed: 1,
    });
    expect(brier.baseline).toBeCloseTo(evaluateClassifier(binary(0)).metrics.brier_score!, 12);
    expect(brier.candidate).toBeCloseTo(evaluateClassifier(binary(2)).metrics.brier_score!, 12);

    const y = Array.from({ length: 100 }, (_, row) => 10 + ((row * 37) % 23));
    const regressions = [y.map((v, row) => v + ((row * 13) % 7) - 3), y.map((v, row) => v + 2 + ((row * 5) % 3))];
    const pairedRegression = pairRegressors({ yTrue: y, yPred: regressions[0]! }, { yTrue: y, yPred: regressions[1]! });
    for (const metric of ["mape", "explained_variance"]) {
      const result = bootstrapRegressorDelta(pairedRegression, metric, { resamples: 200, seed: 1 });
      const evaluated = regressions.map((yPred) => evaluateRegressor({ yTrue: y, yPred }).metrics[metric]!);
      expect(result.baseline, metric).toBeCloseTo(evaluated[0]!, 12);
      expect(result.candidate, metric).toBeCloseTo(evaluated[1]!, 12);
      expect(result.interval![0]).toBeLessThanOrEqual(result.delta);
      expect(result.interval![1]).toBeGreaterThanOrEqual(result.delta);
    }
  });
});
