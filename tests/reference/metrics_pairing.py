"""Ground truth for pairing two runs' predictions by a key column. Reads cases as JSON on stdin, writes results.

Each case names two CSV files (baseline, candidate) and the key column. pandas reads them, an inner merge on the key
pairs the rows, and scikit-learn / statsmodels score the paired rows: accuracy and ROC AUC of each side, the McNemar
discordant counts with the exact p-value, and the MSE of each side for regression cases.
"""
import json
import sys

import pandas as pd
from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score
from statsmodels.stats.contingency_tables import mcnemar


def paired_values(case):
    key = case["key"]
    # Keys are names, not numbers: read them as text, as ctrain does.
    baseline = pd.read_csv(case["baseline"], dtype={key: str})
    candidate = pd.read_csv(case["candidate"], dtype={key: str})
    merged = baseline.merge(candidate, on=key, how="inner", suffixes=("_a", "_b"), validate="one_to_one")
    assert (merged["y_true_a"] == merged["y_true_b"]).all()
    y = merged["y_true_a"]
    out = {
        "paired": len(merged),
        "baseline_only": int((~baseline[key].isin(candidate[key])).sum()),
        "candidate_only": int((~candidate[key].isin(baseline[key])).sum()),
    }
    if case["task"] == "regression":
        out["mse"] = [float(mean_squared_error(y, merged[f"y_pred_{side}"])) for side in "ab"]
        return out
    right_a = merged["y_pred_a"] == y
    right_b = merged["y_pred_b"] == y
    b = int((right_a & ~right_b).sum())
    c = int((~right_a & right_b).sum())
    out.update(
        {
            "accuracy": [float(accuracy_score(y, merged[f"y_pred_{side}"])) for side in "ab"],
            "roc_auc": [float(roc_auc_score(y, merged[f"score_{side}"])) for side in "ab"],
            "b": b,
            "c": c,
            "mcnemar_p": float(mcnemar([[0, b], [c, 0]], exact=True).pvalue),
        }
    )
    return out


json.dump([paired_values(case) for case in json.load(sys.stdin)], sys.stdout)
