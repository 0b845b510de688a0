"""scipy.stats.bootstrap side of bench/compare.ts: reads arrays from a folder, times paired bootstraps, prints JSON.

At 1,000,000 rows scipy's BCa is out of reach (its jackknife evaluates the statistic on n leave-one-out
samples of n - 1 rows: 10^12 row visits), so the large runs use method="percentile"; `bca_rows` runs
both methods' BCa on a prefix small enough for scipy.
"""
import json
import sys
import time

import numpy as np
from scipy import stats

folder, resamples, bca_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
y = np.fromfile(f"{folder}/y.u8", dtype=np.uint8)
pa = np.fromfile(f"{folder}/pa.u8", dtype=np.uint8)
pb = np.fromfile(f"{folder}/pb.u8", dtype=np.uint8)
la = np.fromfile(f"{folder}/la.f64", dtype=np.float64)
lb = np.fromfile(f"{folder}/lb.f64", dtype=np.float64)


def accuracy_delta(yy, a, b, axis=-1):
    return (b == yy).mean(axis=axis) - (a == yy).mean(axis=axis)


def mean_delta(a, b, axis=-1):
    return b.mean(axis=axis) - a.mean(axis=axis)


def run(name, data, statistic, method):
    start = time.perf_counter()
    cpu_start = time.process_time()
    result = stats.bootstrap(
        data,
        statistic,
        paired=True,
        vectorized=True,
        n_resamples=resamples,
        method=method,
        batch=20,
        random_state=np.random.default_rng(0),
    )
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    interval = [float(result.confidence_interval.low), float(result.confidence_interval.high)]
    return {
        "name": name,
        "method": method,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "interval": interval,
        "standard_error": float(result.standard_error),
    }


n = bca_rows
results = [
    run("accuracy", (y, pa, pb), accuracy_delta, "percentile"),
    run("log_loss", (la, lb), mean_delta, "percentile"),
    run(f"accuracy@{n}", (y[:n], pa[:n], pb[:n]), accuracy_delta, "BCa"),
    run(f"log_loss@{n}", (la[:n], lb[:n]), mean_delta, "BCa"),
]
json.dump(results, sys.stdout)
