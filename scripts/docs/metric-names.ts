// The metric names evaluation produces, read off the evaluators themselves so the page cannot drift from the code.
import {
  BOOTSTRAP_CLASSIFIER_METRICS,
  BOOTSTRAP_REGRESSOR_METRICS,
  CALIBRATION_BINS,
  DEFAULT_MIN_SLICE_ROWS,
  DEFAULT_RANKING_K,
  DEFAULT_TOP_K,
  evaluateClassifier,
  evaluateMultilabel,
  evaluateQuantiles,
  evaluateRanking,
  evaluateRegressor,
} from "@ctrain/metrics";

const MEANING: Record<string, string> = {
  example_count: "rows evaluated",
  query_count: "queries ranked",
  accuracy: "share of rows predicted right",
  precision: "binary: precision of the positive class",
  recall: "binary: recall of the positive class",
  f1: "binary: F1 of the positive class",
  balanced_accuracy: "mean recall over the classes present in y_true",
  matthews_corrcoef: "Matthews correlation of y_true and y_pred (multiclass R_K; 0 when either is constant)",
  cohen_kappa: "Cohen's kappa: agreement of y_true and y_pred beyond chance (left out when both hold one class)",
  log_loss: "cross-entropy of the predicted probabilities (clipped at machine epsilon)",
  roc_auc: "binary: area under the ROC curve of the positive class's score",
  average_precision: "binary: PR-AUC, the step integral of precision over recall (tied scores are one threshold)",
  brier_score: "binary: mean squared error of the positive class's probability",
  expected_calibration_error: `binary: sum of rows/N x \\|fraction positive - mean probability\\| over ${CALIBRATION_BINS} equal-width bins (the reliability curve's)`,
  roc_auc_ovr: "multiclass: one-vs-rest ROC AUC, unweighted mean over classes",
  roc_auc_ovr_weighted: "multiclass: one-vs-rest ROC AUC weighted by class support",
  mse: "mean squared error",
  rmse: "root mean squared error",
  mae: "mean absolute error",
  r2: "coefficient of determination (1.0 or 0.0 for a constant y_true, as scikit-learn's force_finite)",
  mape: "mean absolute percentage error as a ratio (0.1 = 10%), \\|y_true\\| floored at machine epsilon",
  median_absolute_error: "median of \\|y_true - y_pred\\|",
  explained_variance: "1 - Var(y_true - y_pred) / Var(y_true) (force_finite as R2)",
  pinball_loss: "mean of the pinball losses over the quantile levels",
  hamming_loss: "share of (row, label) cells predicted wrong",
  subset_accuracy: "share of rows whose whole label set is right",
};

function meaning(name: string): string {
  const averaged = /^(precision|recall|f1)_(macro|weighted|micro)$/.exec(name);
  if (averaged) {
    const how = {
      macro: "unweighted mean over labels",
      weighted: "mean weighted by support",
      micro: "from global counts",
    };
    return `${averaged[1]}, ${how[averaged[2] as keyof typeof how]}`;
  }
  const parameter = /^(top_k_accuracy|ndcg|map|pinball_loss)@(.+)$/.exec(name);
  if (parameter) {
    const k = parameter[2];
    return {
      top_k_accuracy: `multiclass: share of rows whose true class is among the ${k} most probable (\`compare.predictions.k\`; only below the number of classes)`,
      ndcg: `ranking: NDCG@${k}, mean over queries; tied scores share their mean gain (scikit-learn's ndcg_score)`,
      map: `ranking: MAP@${k}, mean over queries of the sum of precision@i at relevant ranks i <= ${k}, over min(${k}, relevant); ties keep file order`,
      pinball_loss: `quantile: pinball loss of the \`quantile_${k}\` column (scikit-learn's mean_pinball_loss, alpha ${k})`,
    }[parameter[1] as "top_k_accuracy" | "ndcg" | "map" | "pinball_loss"];
  }
  if (/^label:.+\/f1$/.test(name)) return "multilabel: F1 of one label (one row per label of the file)";
  const known = MEANING[name];
  if (!known) throw new Error(`no description for the metric "${name}": add it to scripts/docs/metric-names.ts`);
  return known;
}

/** The paired test's column: a cut-off's metric is listed once for every k. */
function testOf(name: string, paired: readonly string[]): string {
  if (name === "example_count" || name === "query_count") return "–";
  if (name === "accuracy") return "McNemar exact (paired bootstrap against a bound other than 0)";
  if (name === "roc_auc") return "DeLong";
  return paired.includes(name.replace(/@\d+$/, "@k")) ? "paired bootstrap" : "noise band";
}

function table(names: string[], paired: readonly string[]): string[] {
  return [
    "| metric | meaning | paired test |",
    "| --- | --- | --- |",
    ...names.map((name) => `| \`${name}\` | ${meaning(name)} | ${testOf(name, paired)} |`),
  ];
}

export function renderMetricNames(): string {
  const binary = evaluateClassifier({ yTrue: [0, 1, 0, 1], yPred: [0, 1, 1, 1], score: [0.1, 0.9, 0.6, 0.8] });
  const multiclass = evaluateClassifier({
    yTrue: ["a", "b", "c", "d"],
    yPred: ["a", "b", "b", "d"],
    probabilities: {
      classLabels: ["a", "b", "c", "d"],
      matrix: [
        [0.7, 0.1, 0.1, 0.1],
        [0.1, 0.7, 0.1, 0.1],
        [0.2, 0.4, 0.3, 0.1],
        [0.1, 0.2, 0.1, 0.6],
      ],
    },
  });
  const regression = evaluateRegressor({ yTrue: [1, 2, 3], yPred: [1, 2, 4] });
  const quantile = evaluateQuantiles({
    yTrue: [1, 2, 3],
    quantiles: {
      levels: [0.1, 0.9],
      values: [
        [0, 1, 2],
        [2, 3, 4],
      ],
    },
  });
  const multilabel = evaluateMultilabel({ labels: ["cat"], yTrue: [[1, 0]], yPred: [[1, 1]] });
  const ranking = evaluateRanking({
    group: { column: "query_id", values: ["q1", "q1"] },
    relevance: [1, 0],
    score: [0.9, 0.1],
  });
  const multiclassOnly = Object.keys(multiclass.metrics).filter((name) => !(name in binary.metrics));
  return [
    "<!-- Generated by scripts/generate-docs.ts from the evaluators: do not edit by hand. -->",
    "# Metric names",
    "",
    "The metrics ctrain evaluates from a predictions file (`train.predictions`), by the names gates use",
    "(`compare.metrics.<name>`). A gate naming a metric that no run produced is an error with a did-you-mean.",
    "The paired test is the one that labels a change when both runs scored the same rows",
    "([how verdicts are decided](verdicts.md)); without paired predictions every metric falls back to the noise band.",
    "Every value matches scikit-learn's within 1e-9 (tests compare them on golden vectors and generated data).",
    "",
    "The task (`compare.predictions.task`) decides which metrics a file gets; `auto` reads it off the columns:",
    "`y_true_<label>` columns without `y_true` mean multilabel, a `query_id` column ranking, `quantile_<level>`",
    "columns quantile; otherwise scores, probabilities or whole-number labels mean classification (binary with two",
    "labels, multiclass with more) and fractional true values regression.",
    "",
    "## Binary classification",
    "",
    "Columns `y_true` and any of `y_pred`, `score` (the positive class's score) and `proba_<class>`. Metrics of",
    "probabilities (`log_loss`, `brier_score`, `expected_calibration_error`) need a score in [0, 1].",
    "",
    ...table(Object.keys(binary.metrics), BOOTSTRAP_CLASSIFIER_METRICS),
    "",
    `The reliability curve behind \`expected_calibration_error\`: ${CALIBRATION_BINS} equal-width bins of the positive`,
    "class's probability (scikit-learn's `calibration_curve(strategy=\"uniform\", n_bins=10)`: a probability on an",
    "inner edge falls in the lower bin), each with its rows, mean probability and fraction positive; the evaluation",
    "keeps it (`calibration`) for the report's reliability chart.",
    "",
    "## Multiclass classification",
    "",
    "The label metrics above except the binary `precision`, `recall` and `f1`, and:",
    "",
    ...table(multiclassOnly, BOOTSTRAP_CLASSIFIER_METRICS),
    "",
    `\`top_k_accuracy@<k>\` is written for every k of \`compare.predictions.k\` (default ${DEFAULT_TOP_K.join(", ")}).`,
    "",
    "## Regression",
    "",
    "Numeric columns `y_true` and `y_pred`.",
    "",
    ...table(Object.keys(regression.metrics), BOOTSTRAP_REGRESSOR_METRICS),
    "",
    "## Quantile regression",
    "",
    "Numeric `y_true` and one column per predicted quantile, `quantile_<level>` with the level in (0, 1)",
    "(`compare.predictions.quantile-prefix`); with a `y_pred` column the regression metrics above too.",
    "",
    ...table(
      Object.keys(quantile.metrics).filter((name) => !(name in regression.metrics) || name === "example_count"),
      BOOTSTRAP_REGRESSOR_METRICS,
    ),
    "",
    "## Multilabel classification",
    "",
    "One 0/1 (or true/false) column per label for the truth and for the prediction: `y_true_<label>`,",
    "`y_pred_<label>`.",
    "",
    ...table(Object.keys(multilabel.metrics), []),
    "",
    "## Ranking",
    "",
    "One row per (query, document): `query_id` (`compare.predictions.group`), `y_true` the graded relevance",
    "(a number >= 0; relevant means > 0) and `score`. Each query is ranked by score, highest first; a query without",
    `a relevant document scores 0. Cut-offs from \`compare.predictions.k\` (default ${DEFAULT_RANKING_K.join(", ")}).`,
    "",
    ...table(Object.keys(ranking.metrics), []),
    "",
    "## Slices",
    "",
    "With `compare.predictions.slice`, every metric above is also evaluated per slice:",
    "",
    "| key | what |",
    "| --- | --- |",
    "| `slice:<column>=<value>/<metric>` | the metric on the rows whose `<column>` holds `<value>` |",
    "| `slice:<a>=<x>,<b>=<y>/<metric>` | crossed columns (`slice: [[a, b]]`), in the order the config lists them |",
    "| `slice-worst:<grouping>/<metric>` | the worst slice's value (the highest for losses and errors, else the lowest) |",
    "| `slice-gap:<grouping>/<metric>` | best minus worst slice (>= 0; gate it with `direction: lower, max: ...`) |",
    "",
    "A grouping is a column, or crossed columns joined by `,` (`slice-gap:country,plan/accuracy`). A gate key may use",
    "`*` for any value (`slice:region=*/accuracy`, `slice:country=*,plan=pro/accuracy`). A slice with fewer rows than",
    `\`compare.predictions.min-slice-rows\` (default ${DEFAULT_MIN_SLICE_ROWS}) is reported with its size and metrics but`,
    "has no gateable key and counts in neither the worst slice nor the gap; a metric a slice leaves undefined (ROC",
    "AUC of a one-class slice) is left out of both too. Slice metrics have no paired test: their changes are judged",
    "by the noise band.",
    "",
    "## Metrics the command reports",
    "",
    "Metrics the training command writes (`train.metrics`) keep their flattened names (`a.b.c`). When a file",
    "reports a metric that ctrain also evaluated from the predictions, the evaluated value is the one gates use.",
    "",
  ].join("\n");
}
