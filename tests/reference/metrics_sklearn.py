"""Ground truth for ctrain's prediction metrics: reads cases as JSON on stdin, writes scikit-learn's results as JSON.

Each case: {"kind": "classification", "y_true", "y_pred"?, "score"?, "proba"?: {"labels", "matrix"},
"classes"?, "pos_label"?, "k"?} or {"kind": "regression", "y_true", "y_pred"}. A metric scikit-learn refuses
comes back as {"error": message}; one it leaves undefined (NaN, e.g. Cohen's kappa of one class) is left out.
The reliability curve is calibration_curve(strategy="uniform", n_bins=10) with each bin's row count beside it;
expected_calibration_error is sum(rows / n * |prob_true - prob_pred|) over those bins.
"""
import json
import math
import sys
import warnings

import numpy as np
from sklearn import metrics
from sklearn.calibration import calibration_curve

warnings.simplefilter("ignore")


def attempt(compute):
    try:
        value = compute()
        return float(value)
    except ValueError as error:
        return {"error": str(error)}


def calibration(positive, probability):
    prob_true, prob_pred = calibration_curve(positive, probability, n_bins=10, strategy="uniform")
    # The row counts calibration_curve bins by, found as it finds them.
    bins = np.linspace(0.0, 1.0, 11)
    rows = np.bincount(np.searchsorted(bins[1:-1], probability), minlength=11)
    rows = rows[rows != 0]
    ece = float(np.sum(rows / len(probability) * np.abs(prob_true - prob_pred)))
    curve = [
        {"rows": int(n), "fraction_positive": float(t), "mean_predicted": float(p)}
        for n, t, p in zip(rows, prob_true, prob_pred)
    ]
    return ece, curve


def probability_metrics(out, positive, probability):
    """Metrics of the positive class's score: average precision; Brier and calibration when it is a probability."""
    if positive.any():
        out["average_precision"] = metrics.average_precision_score(positive, probability)
    if probability.min() >= 0 and probability.max() <= 1:
        out["brier_score"] = metrics.brier_score_loss(positive, probability)
        out["expected_calibration_error"], out["calibration_curve"] = calibration(positive, probability)


def classification(case):
    y_true = np.array(case["y_true"])
    out = {"example_count": len(y_true)}
    classes = case.get("classes")
    y_pred = case.get("y_pred")
    if y_pred is not None:
        y_pred = np.array(y_pred)
        labels = classes if classes is not None else sorted(set(case["y_true"]) | set(case["y_pred"]))
        out["accuracy"] = metrics.accuracy_score(y_true, y_pred)
        if len(labels) <= 2:
            pos = case["pos_label"]
            for name, fn in (("precision", metrics.precision_score), ("recall", metrics.recall_score), ("f1", metrics.f1_score)):
                out[name] = fn(y_true, y_pred, average="binary", pos_label=pos, labels=labels, zero_division=0)
        for average in ("macro", "weighted", "micro"):
            p, r, f, _ = metrics.precision_recall_fscore_support(
                y_true, y_pred, average=average, labels=labels, zero_division=0
            )
            out[f"precision_{average}"], out[f"recall_{average}"], out[f"f1_{average}"] = p, r, f
        out["balanced_accuracy"] = metrics.balanced_accuracy_score(y_true, y_pred)
        out["matthews_corrcoef"] = metrics.matthews_corrcoef(y_true, y_pred)
        kappa = metrics.cohen_kappa_score(y_true, y_pred, labels=labels)
        if not math.isnan(kappa):
            out["cohen_kappa"] = kappa
        out["confusion_matrix"] = metrics.confusion_matrix(y_true, y_pred, labels=labels).tolist()
        p, r, f, s = metrics.precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
        out["per_class"] = [
            {"precision": float(a), "recall": float(b), "f1": float(c), "support": int(d)} for a, b, c, d in zip(p, r, f, s)
        ]
    proba = case.get("proba")
    if proba is not None:
        order = np.argsort(np.array(proba["labels"], dtype=object))
        sorted_labels = [proba["labels"][i] for i in order]
        matrix = np.array(proba["matrix"], dtype=float)[:, order]
        out["log_loss"] = attempt(lambda: metrics.log_loss(y_true, matrix, labels=sorted_labels))
        if len(set(case["y_true"]) | set(case.get("y_pred") or [])) > 2 or case.get("multiclass_auc"):
            for average, key in (("macro", "roc_auc_ovr"), ("weighted", "roc_auc_ovr_weighted")):
                out[key] = attempt(
                    lambda: metrics.roc_auc_score(y_true, matrix, multi_class="ovr", average=average, labels=sorted_labels)
                )
            for k in case.get("k") or [3]:
                if k < len(sorted_labels):
                    out[f"top_k_accuracy@{k}"] = metrics.top_k_accuracy_score(y_true, matrix, k=k, labels=sorted_labels)
        else:
            column = sorted_labels.index(case["pos_label"])
            out["roc_auc"] = attempt(lambda: metrics.roc_auc_score(y_true == case["pos_label"], matrix[:, column]))
            probability_metrics(out, y_true == case["pos_label"], matrix[:, column])
    score = case.get("score")
    if score is not None:
        positive = (y_true == case["pos_label"]).astype(int)
        out["roc_auc"] = attempt(lambda: metrics.roc_auc_score(positive, np.array(score, dtype=float)))
        probability_metrics(out, positive, np.array(score, dtype=float))
        if all(0 <= s <= 1 for s in score):
            out["log_loss"] = attempt(lambda: metrics.log_loss(positive, np.array(score, dtype=float), labels=[0, 1]))
    return out


def regression(case):
    y_true = np.array(case["y_true"], dtype=float)
    y_pred = np.array(case["y_pred"], dtype=float)
    mse = metrics.mean_squared_error(y_true, y_pred)
    return {
        "example_count": len(y_true),
        "mse": mse,
        "rmse": math.sqrt(mse),
        "mae": metrics.mean_absolute_error(y_true, y_pred),
        "r2": metrics.r2_score(y_true, y_pred) if len(y_true) >= 2 else None,
        "mape": metrics.mean_absolute_percentage_error(y_true, y_pred),
        "median_absolute_error": metrics.median_absolute_error(y_true, y_pred),
        "explained_variance": metrics.explained_variance_score(y_true, y_pred),
    }


def to_json(value):
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


cases = json.load(sys.stdin)
json.dump([to_json(classification(c) if c["kind"] == "classification" else regression(c)) for c in cases], sys.stdout)
