"""Ground truth for ctrain's prediction metrics: reads cases as JSON on stdin, writes scikit-learn's results as JSON.

Each case: {"kind": "classification", "y_true", "y_pred"?, "score"?, "proba"?: {"labels", "matrix"},
"classes"?, "pos_label"?} or {"kind": "regression", "y_true", "y_pred"}. A metric scikit-learn refuses
comes back as {"error": message}.
"""
import json
import math
import sys

import numpy as np
from sklearn import metrics


def attempt(compute):
    try:
        value = compute()
        return float(value)
    except ValueError as error:
        return {"error": str(error)}


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
        else:
            column = sorted_labels.index(case["pos_label"])
            out["roc_auc"] = attempt(lambda: metrics.roc_auc_score(y_true == case["pos_label"], matrix[:, column]))
    score = case.get("score")
    if score is not None:
        positive = (y_true == case["pos_label"]).astype(int)
        out["roc_auc"] = attempt(lambda: metrics.roc_auc_score(positive, np.array(score, dtype=float)))
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
