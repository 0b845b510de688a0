import { describe, expect, it } from "vitest";
import {
  evaluateClassifier,
  evaluateMultilabel,
  evaluateQuantiles,
  evaluateRanking,
  evaluateRegressor,
  type Predictions,
} from "@ctrain/metrics";
import { runReference } from "./python-reference.js";
import { argmax, closeTo, normalRandom, probabilityRow, seededRandom } from "./generated-data.js";

type Reference = Record<string, unknown>;

/** Every metric scikit-learn computed is ours within 1e-9, and we compute none it did not. */
function expectSameMetrics(actual: Record<string, number>, expected: Reference): void {
  const scalars = Object.keys(expected).filter((key) => typeof expected[key] === "number");
  for (const key of scalars) {
    const value = actual[key];
    expect(value, `${key} is missing`).toBeDefined();
    expect(closeTo(value!, expected[key] as number, 1e-9), `${key}: ${value} vs ${String(expected[key])}`).toBe(true);
  }
  for (const key of Object.keys(actual)) expect(scalars, `scikit-learn also computes ${key}`).toContain(key);
}

const round = (value: number, step: number): number => Math.round(value / step) * step;

describe("golden vectors from scikit-learn's documentation", () => {
  it("classification", () => {
    expect(
      evaluateClassifier({ yTrue: [0, 0, 1, 1], score: [0.1, 0.4, 0.35, 0.8] }).metrics.average_precision,
    ).toBeCloseTo(0.8333333333333333, 15);
    expect(evaluateClassifier({ yTrue: [1, 1, 1, -1], yPred: [1, -1, 1, 1] }).metrics.matthews_corrcoef).toBeCloseTo(
      -0.3333333333333333,
      15,
    );
    const balanced = evaluateClassifier({ yTrue: [0, 1, 0, 0, 1, 0], yPred: [0, 1, 0, 0, 0, 1] }).metrics;
    expect(balanced.balanced_accuracy).toBeCloseTo(0.625, 15);
    expect(evaluateClassifier({ yTrue: [0, 1, 1, 0], score: [0.1, 0.9, 0.8, 0.3] }).metrics.brier_score).toBeCloseTo(
      0.0375,
      15,
    );
  });

  it("regression and quantiles", () => {
    const regression = evaluateRegressor({ yTrue: [3, -0.5, 2, 7], yPred: [2.5, 0, 2, 8] }).metrics;
    expect(regression.mape).toBeCloseTo(0.3273809523809524, 15);
    expect(regression.median_absolute_error).toBe(0.5);
    expect(regression.explained_variance).toBeCloseTo(0.9571734475374732, 15);
    const quantile = (predicted: number[]): number =>
      evaluateQuantiles({ yTrue: [1, 2, 3], quantiles: { levels: [0.1], values: [predicted] } }).metrics[
        "pinball_loss@0.1"
      ]!;
    expect(quantile([0, 2, 3])).toBeCloseTo(0.1 / 3, 15);
    expect(quantile([1, 2, 4])).toBeCloseTo(0.9 / 3, 15);
  });

  it("ranking: NDCG of one query, and its tie-averaged form", () => {
    const ndcg = (score: number[], k: number): number =>
      evaluateRanking(
        {
          group: { column: "q", values: ["a", "a", "a", "a", "a"] },
          relevance: [10, 0, 0, 1, 5],
          score,
        },
        { k: [k] },
      ).metrics[`ndcg@${k}`]!;
    expect(ndcg([0.1, 0.2, 0.3, 4, 70], 5)).toBeCloseTo(0.6956940443813074, 15);
    expect(ndcg([0.05, 1.1, 1, 0.5, 0], 5)).toBeCloseTo(0.49368019137737595, 15);
    expect(ndcg([1, 1, 0, 0, 0], 1)).toBeCloseTo(0.5, 15);
  });
});

describe("generated data against scikit-learn", () => {
  const random = seededRandom(18);
  const gaussian = normalRandom(random);

  it("binary probabilities on the bin edges: average precision, Brier, ECE and the reliability curve", () => {
    // Probabilities on a 0.05 grid: every inner edge of the 10 bins occurs, and scores tie heavily.
    const yTrue = Array.from({ length: 600 }, () => (random() < 0.35 ? 1 : 0));
    const score = yTrue.map((y) => Math.min(1, Math.max(0, round(0.25 + 0.4 * y + 0.3 * gaussian(), 0.05))));
    const ours = evaluateClassifier({ yTrue, score, yPred: score.map((s) => (s > 0.5 ? 1 : 0)) });
    const [metrics, curve] = runReference<Reference[]>("metrics_sklearn.py", [
      { kind: "classification", y_true: yTrue, score, y_pred: score.map((s) => (s > 0.5 ? 1 : 0)), pos_label: 1 },
    ]).concat(
      runReference<Reference[]>("metrics_tasks.py", [{ kind: "calibration", positive: yTrue, probability: score }]),
    );
    expectSameMetrics(ours.metrics, metrics!);
    const bins = ours.calibration!.curve;
    expect(bins.map((bin) => bin.rows)).toEqual(
      (metrics!.calibration_curve as { rows: number }[]).map((bin) => bin.rows),
    );
    bins.forEach((bin, k) => {
      expect(closeTo(bin.fractionPositive, (curve!.fraction_positive as number[])[k]!, 1e-12)).toBe(true);
      expect(closeTo(bin.meanPredicted, (curve!.mean_predicted as number[])[k]!, 1e-12)).toBe(true);
    });
    expect(ours.calibration).toMatchObject({ strategy: "uniform", bins: 10, positiveLabel: 1 });
  });

  it("multiclass: top-k accuracy for every k below the classes (ties between classes), kappa, MCC", () => {
    const labels = ["a", "b", "c", "d", "e"];
    const yTrue = Array.from({ length: 500 }, () => labels[Math.floor(random() * 5)]!);
    // Rounded probabilities tie between classes; top_k_accuracy_score ranks a tie to the greater label.
    const matrix = yTrue.map((y) => {
      const row = probabilityRow(random, 5, labels.indexOf(y), 0.4).map((p) => round(p, 0.1));
      const total = row.reduce((a, b) => a + b, 0);
      return row.map((p) => p / total);
    });
    const order = [3, 0, 4, 1, 2];
    // y_pred given: argmax ties would otherwise go to whichever class comes first in each side's column order.
    const yPred = matrix.map((row) => labels[argmax(row)]!);
    const predictions: Predictions = {
      yTrue,
      yPred,
      probabilities: {
        classLabels: order.map((k) => labels[k]!),
        matrix: matrix.map((row) => order.map((k) => row[k]!)),
      },
    };
    const ours = evaluateClassifier(predictions, { k: [1, 2, 3, 4, 5] });
    const [expected] = runReference<Reference[]>("metrics_sklearn.py", [
      {
        kind: "classification",
        y_true: yTrue,
        y_pred: yPred,
        proba: { labels, matrix },
        k: [1, 2, 3, 4, 5],
      },
    ]);
    expectSameMetrics(ours.metrics, expected!);
    expect(ours.metrics["top_k_accuracy@5"]).toBeUndefined();
  });

  it("regression: MAPE with zeros in y_true, medians of even and odd counts, explained variance with a bias", () => {
    const cases = [401, 400].map((rows) => {
      const yTrue = Array.from({ length: rows }, (_, row) => (row % 50 === 0 ? 0 : 10 + 5 * gaussian()));
      return { yTrue, yPred: yTrue.map((y) => y + 3 + 2 * gaussian()) };
    });
    const expected = runReference<Reference[]>(
      "metrics_sklearn.py",
      cases.map((c) => ({ kind: "regression", y_true: c.yTrue, y_pred: c.yPred })),
    );
    cases.forEach((c, i) => expectSameMetrics(evaluateRegressor(c).metrics, expected[i]!));
  });

  it("quantile, multilabel and ranking", () => {
    const yTrue = Array.from({ length: 300 }, () => 50 + 10 * gaussian());
    const levels = [0.05, 0.5, 0.95];
    const quantiles = levels.map((level) => yTrue.map((y) => y + 16 * (level - 0.5) + 4 * gaussian()));

    const labels = ["news", "sport", "tech", "never"];
    const truth = Array.from({ length: 200 }, () =>
      labels.map((label) => (label !== "never" && random() < 0.4 ? 1 : 0)),
    );
    const predicted = truth.map((row) => row.map((t) => (random() < 0.2 ? 1 - t : t)));
    predicted.forEach((row) => (row[3] = 0));

    const groups: string[] = [];
    const relevance: number[] = [];
    const score: number[] = [];
    for (let query = 0; query < 40; query++) {
      const size = 1 + Math.floor(random() * 12);
      for (let doc = 0; doc < size; doc++) {
        const grade = query === 7 ? 0 : Math.floor(random() * 4) * (random() < 0.6 ? 0 : 1);
        groups.push(`q${query}`);
        relevance.push(grade);
        score.push(query % 3 === 0 ? round(grade + gaussian(), 1) : grade + gaussian());
      }
    }
    const k = [1, 3, 5, 10, 20];

    const [quantileRef, multilabelRef, rankingRef] = runReference<Reference[]>("metrics_tasks.py", [
      { kind: "quantile", y_true: yTrue, levels, quantiles },
      { kind: "multilabel", labels, y_true: truth, y_pred: predicted },
      { kind: "ranking", groups, relevance, score, k },
    ]);
    expectSameMetrics(evaluateQuantiles({ yTrue, quantiles: { levels, values: quantiles } }).metrics, quantileRef!);
    const byLabel = (rows: number[][]): number[][] => labels.map((_, label) => rows.map((row) => row[label]!));
    expectSameMetrics(
      evaluateMultilabel({ labels, yTrue: byLabel(truth), yPred: byLabel(predicted) }).metrics,
      multilabelRef!,
    );
    expectSameMetrics(
      evaluateRanking({ group: { column: "query_id", values: groups }, relevance, score }, { k }).metrics,
      rankingRef!,
    );
  });
});
