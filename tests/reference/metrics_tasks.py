"""Ground truth for ctrain's quantile, multilabel and ranking metrics, and the reliability curve; JSON in, JSON out.

Cases: {"kind": "quantile", "y_true", "levels", "quantiles": [[...] per level]}
       {"kind": "multilabel", "labels", "y_true": [[0/1 per label] per row], "y_pred": same}
       {"kind": "ranking", "groups", "relevance", "score", "k": [..]}
       {"kind": "calibration", "positive": [0/1], "probability": [...]}
NDCG@k per query is scikit-learn's own per-sample NDCG (ndcg_score averages it; the per-query call also takes
queries of one document, which ndcg_score refuses), tie-averaged. MAP@k has no scikit-learn function: AP@k is the
sum of precision@i at relevant ranks i <= k over min(k, relevant), ranks from a stable sort; for k >= the query's
size with distinct scores it is checked against average_precision_score.
"""
import json
import sys
import warnings

import numpy as np
from sklearn import metrics
from sklearn.calibration import calibration_curve
from sklearn.metrics._ranking import _ndcg_sample_scores

warnings.simplefilter("ignore")


def quantile(case):
    y = np.array(case["y_true"], dtype=float)
    out = {"example_count": len(y)}
    losses = []
    for level, values in zip(case["levels"], case["quantiles"]):
        loss = metrics.mean_pinball_loss(y, np.array(values, dtype=float), alpha=level)
        out[f"pinball_loss@{level}"] = loss
        losses.append(loss)
    out["pinball_loss"] = float(np.mean(losses))
    return out


def multilabel(case):
    y_true = np.array(case["y_true"], dtype=int)
    y_pred = np.array(case["y_pred"], dtype=int)
    out = {
        "example_count": len(y_true),
        "hamming_loss": metrics.hamming_loss(y_true, y_pred),
        "subset_accuracy": metrics.accuracy_score(y_true, y_pred),
        "f1_macro": metrics.f1_score(y_true, y_pred, average="macro", zero_division=0),
        "f1_micro": metrics.f1_score(y_true, y_pred, average="micro", zero_division=0),
    }
    for label, f1 in zip(case["labels"], metrics.f1_score(y_true, y_pred, average=None, zero_division=0)):
        out[f"label:{label}/f1"] = f1
    return out


def average_precision_at_k(relevant, score, k):
    order = np.argsort(-score, kind="stable")[:k]
    hits = relevant[order]
    if relevant.sum() == 0:
        return 0.0
    precision_at = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision_at * hits).sum() / min(k, relevant.sum()))


def ranking(case):
    groups = np.array(case["groups"])
    relevance = np.array(case["relevance"], dtype=float)
    score = np.array(case["score"], dtype=float)
    names = list(dict.fromkeys(case["groups"]))
    out = {"example_count": len(groups), "query_count": len(names)}
    for k in case["k"]:
        ndcg, ap = [], []
        for name in names:
            rows = groups == name
            rel, sc = relevance[rows], score[rows]
            ndcg.append(_ndcg_sample_scores(rel[None, :], sc[None, :], k=k, ignore_ties=False)[0])
            ap_k = average_precision_at_k(rel > 0, sc, k)
            if k >= len(rel) and len(set(sc)) == len(sc) and (rel > 0).any():
                assert abs(ap_k - metrics.average_precision_score(rel > 0, sc)) < 1e-12
            ap.append(ap_k)
        out[f"ndcg@{k}"] = float(np.mean(ndcg))
        out[f"map@{k}"] = float(np.mean(ap))
    return out


def calibration(case):
    positive = np.array(case["positive"], dtype=int)
    probability = np.array(case["probability"], dtype=float)
    prob_true, prob_pred = calibration_curve(positive, probability, n_bins=10, strategy="uniform")
    return {"fraction_positive": prob_true.tolist(), "mean_predicted": prob_pred.tolist()}


KINDS = {"quantile": quantile, "multilabel": multilabel, "ranking": ranking, "calibration": calibration}


def to_json(value):
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


json.dump([to_json(KINDS[case["kind"]](case)) for case in json.load(sys.stdin)], sys.stdout)
