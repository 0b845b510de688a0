"""Ground truth for ctrain's significance tests. Reads {"task": ..., ...} cases as JSON on stdin, writes results.

- special: scipy.special ndtr / ndtri / gammaln and chi2.sf on given points.
- mcnemar: statsmodels mcnemar(exact=True) and the chi-square variants on [[., b], [c, .]]; scipy's one-sided
  binomtest of c among b + c and its Clopper-Pearson interval (proportion_ci(method="exact")).
- binom_cdf: scipy.stats.binom.cdf on given (k, n, p).
- delong: the O(n^2) placement-value definition of DeLong's variance, written directly in numpy.
- bootstrap: scipy.stats.bootstrap(paired=True) of a delta statistic named in the case.
- stratified_auc: a plain stratified paired bootstrap of the ROC AUC delta with sklearn's roc_auc_score.
"""
import json
import sys

import numpy as np
from scipy import special, stats
from sklearn.metrics import f1_score, roc_auc_score
from statsmodels.stats.contingency_tables import mcnemar


def special_values(case):
    return {
        "ndtr": [float(special.ndtr(x)) for x in case["ndtr"]],
        "ndtri": [float(special.ndtri(p)) for p in case["ndtri"]],
        "gammaln": [float(special.gammaln(x)) for x in case["gammaln"]],
        "chi2_sf": [float(stats.chi2.sf(x, df)) for x, df in case["chi2_sf"]],
    }


def mcnemar_values(case):
    table = [[10, case["b"]], [case["c"], 10]]
    if case["b"] + case["c"] == 0:
        return {"exact": float(mcnemar(table, exact=True).pvalue), "chi2": None, "chi2_corrected": None, "binomtest": 1.0}
    test = stats.binomtest(case["c"], case["b"] + case["c"], 0.5)
    ci = test.proportion_ci(confidence_level=case.get("confidence", 0.95), method="exact")
    return {
        "greater": float(stats.binomtest(case["c"], case["b"] + case["c"], 0.5, alternative="greater").pvalue),
        "less": float(stats.binomtest(case["c"], case["b"] + case["c"], 0.5, alternative="less").pvalue),
        "ci": [float(ci.low), float(ci.high)],
        "exact": float(mcnemar(table, exact=True).pvalue),
        "chi2": float(mcnemar(table, exact=False, correction=False).pvalue),
        "chi2_corrected": float(mcnemar(table, exact=False, correction=True).pvalue),
        "binomtest": float(stats.binomtest(min(case["b"], case["c"]), case["b"] + case["c"], 0.5).pvalue),
    }


def delong_values(case):
    y = np.array(case["y"]) == 1
    out = {"auc": [], "v10": [], "v01": []}
    for s in (np.array(case["a"], dtype=float), np.array(case["b"], dtype=float)):
        pos, neg = s[y], s[~y]
        psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
        out["auc"].append(psi.mean())
        out["v10"].append(psi.mean(axis=1))
        out["v01"].append(psi.mean(axis=0))
    m, n = len(out["v10"][0]), len(out["v01"][0])
    s10 = np.cov(np.vstack(out["v10"]))
    s01 = np.cov(np.vstack(out["v01"]))
    s = s10 / m + s01 / n
    var = s[0, 0] + s[1, 1] - 2 * s[0, 1]
    z = (out["auc"][1] - out["auc"][0]) / np.sqrt(var)
    return {
        "auc": [float(a) for a in out["auc"]],
        "var": [float(s[0, 0]), float(s[1, 1])],
        "cov": float(s[0, 1]),
        "z": float(z),
        "p": float(2 * stats.norm.sf(abs(z))),
    }


def delta_statistic(name, y):
    if name == "accuracy":
        return lambda yy, a, b, axis=-1: (b == yy).mean(axis=axis) - (a == yy).mean(axis=axis), True
    if name == "mean":
        return lambda a, b, axis=-1: b.mean(axis=axis) - a.mean(axis=axis), True
    if name == "rmse":
        return lambda a, b, axis=-1: np.sqrt(b.mean(axis=axis)) - np.sqrt(a.mean(axis=axis)), True
    if name == "f1_macro":
        return lambda yy, a, b: f1_score(yy, b, average="macro", zero_division=0) - f1_score(
            yy, a, average="macro", zero_division=0
        ), False
    raise ValueError(name)


def bootstrap_values(case):
    data = tuple(np.array(column) for column in case["data"])
    statistic, vectorized = delta_statistic(case["statistic"], data[0])
    result = stats.bootstrap(
        data,
        statistic,
        paired=True,
        vectorized=vectorized,
        n_resamples=case["resamples"],
        confidence_level=case["confidence"],
        method=case["method"],
        random_state=np.random.default_rng(case["seed"]),
    )
    return {
        "low": float(result.confidence_interval.low),
        "high": float(result.confidence_interval.high),
        "standard_error": float(result.standard_error),
    }


def stratified_auc_values(case):
    y = np.array(case["y"])
    a, b = np.array(case["a"]), np.array(case["b"])
    rng = np.random.default_rng(case["seed"])
    strata = [np.flatnonzero(y == label) for label in np.unique(y)]
    deltas = []
    for _ in range(case["resamples"]):
        idx = np.concatenate([rng.choice(rows, size=len(rows), replace=True) for rows in strata])
        deltas.append(roc_auc_score(y[idx], b[idx]) - roc_auc_score(y[idx], a[idx]))
    alpha = (1 - case["confidence"]) / 2
    return {
        "low": float(np.percentile(deltas, 100 * alpha)),
        "high": float(np.percentile(deltas, 100 * (1 - alpha))),
        "standard_error": float(np.std(deltas, ddof=1)),
    }


def binom_cdf_values(case):
    return [float(stats.binom.cdf(k, n, p)) for k, n, p in case["points"]]


TASKS = {
    "binom_cdf": binom_cdf_values,
    "special": special_values,
    "mcnemar": mcnemar_values,
    "delong": delong_values,
    "bootstrap": bootstrap_values,
    "stratified_auc": stratified_auc_values,
}
json.dump([TASKS[case["task"]](case) for case in json.load(sys.stdin)], sys.stdout)
