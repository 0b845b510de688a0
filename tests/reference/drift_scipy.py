"""Ground truth for ctrain's drift statistics from scipy and numpy.

Reads {"cases": [...]} as JSON on stdin and writes {"results": [...]} on stdout, one result per case:
  {"kind": "ks", "x": [...], "y": [...]}          scipy.stats.ks_2samp(x, y, method="auto")
  {"kind": "kstwo", "n": int, "d": float}        scipy.stats.kstwo.sf(d, n)
  {"kind": "chi2", "table": [[...], [...]]}      scipy.stats.chi2_contingency(table, correction=True)
  {"kind": "chi2sf", "x": float, "dof": int}     scipy.stats.chi2.sf(x, dof)
  {"kind": "z", "reference": [hits, total], "current": [hits, total]}
                                                 pooled two-proportion z and 2 * scipy.stats.norm.sf(|z|)
  {"kind": "js", "p": [...], "q": [...]}         scipy.spatial.distance.jensenshannon (natural log and base 2)
  {"kind": "wasserstein", "u": [...], "v": [...]} scipy.stats.wasserstein_distance, and / max(std(u), 0.001)
  {"kind": "psi", "reference": [...], "current": [...]}
                                                 PSI over 10 bins at numpy's deciles of the reference
  {"kind": "psi_weights", "reference": [...], "current": [...]}
  {"kind": "linf", "p": [...], "q": [...]}       max |p/sum(p) - q/sum(q)|
Non-finite floats are written as the strings "NaN", "Infinity", "-Infinity".
"""

import json
import math
import sys

import numpy as np
from scipy import spatial, stats

PSI_FLOOR = 1e-4


def number(value):
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def psi_from_weights(reference, current):
    r = np.asarray(reference, dtype=float)
    c = np.asarray(current, dtype=float)
    r = r / r.sum()
    c = c / c.sum()
    r[r == 0] = PSI_FLOOR
    c[c == 0] = PSI_FLOOR
    return float(np.sum((r - c) * np.log(r / c)))


def psi(reference, current):
    reference = np.asarray(reference, dtype=float)
    current = np.asarray(current, dtype=float)
    edges = np.unique(np.quantile(reference, np.arange(1, 10) / 10))
    bins = len(edges) + 1
    r = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=bins)
    c = np.bincount(np.searchsorted(edges, current, side="right"), minlength=bins)
    return psi_from_weights(r, c)


def solve(case):
    kind = case["kind"]
    if kind == "ks":
        result = stats.ks_2samp(case["x"], case["y"], method="auto")
        return {"statistic": number(result.statistic), "pValue": number(result.pvalue)}
    if kind == "kstwo":
        return {"sf": number(stats.kstwo.sf(case["d"], case["n"]))}
    if kind == "chi2":
        result = stats.chi2_contingency(np.asarray(case["table"], dtype=float), correction=True)
        return {"statistic": number(result[0]), "pValue": number(result[1]), "dof": int(result[2])}
    if kind == "chi2sf":
        return {"sf": number(stats.chi2.sf(case["x"], case["dof"]))}
    if kind == "z":
        (h1, n1), (h2, n2) = case["reference"], case["current"]
        p1, p2 = h1 / n1, h2 / n2
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
        return {"statistic": number(z), "pValue": number(2 * stats.norm.sf(abs(z)))}
    if kind == "js":
        distance = spatial.distance.jensenshannon(case["p"], case["q"])
        bits = spatial.distance.jensenshannon(case["p"], case["q"], base=2)
        return {"distance": number(distance), "divergence": number(bits**2)}
    if kind == "wasserstein":
        distance = stats.wasserstein_distance(case["u"], case["v"])
        normed = distance / max(np.std(np.asarray(case["u"], dtype=float)), 0.001)
        return {"distance": number(distance), "normed": number(normed)}
    if kind == "psi":
        return {"psi": number(psi(case["reference"], case["current"]))}
    if kind == "psi_weights":
        return {"psi": number(psi_from_weights(case["reference"], case["current"]))}
    if kind == "linf":
        p = np.asarray(case["p"], dtype=float)
        q = np.asarray(case["q"], dtype=float)
        return {"distance": number(np.max(np.abs(p / p.sum() - q / q.sum())))}
    raise ValueError(f"unknown case kind {kind!r}")


def main():
    cases = json.load(sys.stdin)["cases"]
    json.dump({"results": [solve(case) for case in cases]}, sys.stdout)


if __name__ == "__main__":
    main()
