import { describe, expect, it } from "vitest";
import {
  classifierChangeTest,
  evaluateClassifier,
  evaluateGates,
  evaluateRegressor,
  historyChangeTest,
  pairClassifiers,
  pairRegressors,
  regressorChangeTest,
} from "@ctrain/metrics";
import { normalRandom, seededRandom } from "./generated-data.js";

describe("from paired predictions to a gate verdict", () => {
  const random = seededRandom(33);
  const gaussian = normalRandom(random);
  const y = Array.from({ length: 3000 }, () => (random() < 0.5 ? 1 : 0));
  const baselineScore = y.map((v) => v + 0.8 * gaussian());
  const candidateScore = y.map((v) => 0.6 * v + 0.8 * gaussian());
  const baseline = { yTrue: y, score: baselineScore, yPred: baselineScore.map((s) => (s > 0.5 ? 1 : 0)) };
  const candidate = { yTrue: y, score: candidateScore, yPred: candidateScore.map((s) => (s > 0.5 ? 1 : 0)) };
  const paired = pairClassifiers(baseline, candidate);
  const gates = {
    accuracy: { direction: "higher", significance: "regression" },
    roc_auc: { direction: "higher", significance: "regression" },
    f1: { direction: "higher", change: { absolute: -0.5 }, significance: "regression" },
  } as const;

  it("McNemar backs accuracy, DeLong backs ROC AUC, the bootstrap backs F1; a clear regression fails", () => {
    const tests = Object.fromEntries(
      Object.keys(gates).map((metric) => [
        metric,
        classifierChangeTest(paired, metric, { bootstrap: { resamples: 500 }, nonZeroBound: metric === "f1" }),
      ]),
    );
    const report = evaluateGates({
      gates,
      candidate: evaluateClassifier(candidate).metrics,
      baseline: evaluateClassifier(baseline).metrics,
      tests,
    });
    const byMetric = Object.fromEntries(report.metrics.map((m) => [m.metric, m]));
    expect(byMetric.accuracy!.methods).toContain("mcnemar");
    expect(byMetric.accuracy!.verdict).toBe("failed");
    expect(byMetric.roc_auc!.methods).toContain("delong");
    expect(byMetric.roc_auc!.verdict).toBe("failed");
    expect(byMetric.f1!.methods).toEqual(expect.arrayContaining(["change-threshold", "bootstrap"]));
    // F1 fell for real, but by far less than its 0.5 margin.
    expect(byMetric.f1!.verdict).toBe("regressed");
    expect(report.verdict).toBe("failed");
  });

  it("regression metrics are backed by the bootstrap; history by the noise band", () => {
    const yReg = y.map((v) => v + gaussian());
    const pairedRegression = pairRegressors(
      { yTrue: yReg, yPred: yReg.map((v) => v + 0.5 * gaussian()) },
      { yTrue: yReg, yPred: yReg.map((v) => v + 0.5 * gaussian()) },
    );
    const test = regressorChangeTest(pairedRegression, "rmse", { bootstrap: { resamples: 300 } });
    expect(test.method).toBe("bootstrap");
    expect(test.interval(0.9)?.method).toMatch(/^bootstrap-(bca|percentile)$/);
    expect(historyChangeTest([0.8, 0.81], 0.1)).toBeUndefined();
    expect(historyChangeTest([0.8, 0.81, 0.79, 0.8], 0.1)?.method).toBe("noise-band");
    // Accuracy against a bound other than 0 is beyond McNemar's test: the bootstrap takes it.
    const classified = pairClassifiers(baseline, candidate);
    expect(classifierChangeTest(classified, "accuracy").method).toBe("mcnemar");
    expect(
      classifierChangeTest(classified, "accuracy", { nonZeroBound: true, bootstrap: { resamples: 200 } }).method,
    ).toBe("bootstrap");
  });

  it("MLflow's default keys on request", () => {
    const metrics = evaluateClassifier(baseline, { mlflowAliases: true }).metrics;
    expect(metrics.accuracy_score).toBe(metrics.accuracy);
    expect(metrics.f1_score).toBe(metrics.f1);
    expect(metrics.example_count).toBe(3000);
    const regression = evaluateRegressor({ yTrue: [1, 2, 3], yPred: [1, 2, 4] }, { mlflowAliases: true }).metrics;
    expect(regression.root_mean_squared_error).toBe(regression.rmse);
  });
});
