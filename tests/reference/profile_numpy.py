"""Ground truth for ctrain's numeric column profiles from numpy.

Reads {"cases": [{"values": [...finite numbers...]}, ...]} as JSON on stdin and writes {"results": [...]}:
  mean, variance (ddof=0), min, max       numpy
  quantiles                              numpy.quantile(method="inverted_cdf") at the profile's ranks
  equal_width                            numpy.histogram(values, bins=10, range=(min, max)) counts
  deciles                                counts in [q_i, q_i+1) between the inverted_cdf deciles, the last closed
"""

import json
import sys

import numpy as np

RANKS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1]


def between_edges(ordered, edges):
    if edges[0] == edges[-1]:
        return [len(ordered)]
    below = [int(np.searchsorted(ordered, edge, side="left")) for edge in edges[:-1]] + [len(ordered)]
    return [below[i + 1] - below[i] for i in range(len(edges) - 1)]


def summary(values):
    data = np.asarray(values, dtype=float)
    ordered = np.sort(data)
    low, high = float(data.min()), float(data.max())
    if low == high:
        equal_width = [len(data)]
    else:
        equal_width = np.histogram(data, bins=10, range=(low, high))[0].tolist()
    deciles = np.quantile(data, np.arange(11) / 10, method="inverted_cdf").tolist()
    return {
        "mean": float(np.mean(data)),
        "variance": float(np.var(data)),
        "min": low,
        "max": high,
        "quantiles": np.quantile(data, RANKS, method="inverted_cdf").tolist(),
        "equal_width": equal_width,
        "deciles": between_edges(ordered, deciles),
    }


def main():
    cases = json.load(sys.stdin)["cases"]
    json.dump({"results": [summary(case["values"]) for case in cases]}, sys.stdout)


if __name__ == "__main__":
    main()
