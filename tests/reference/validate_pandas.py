"""Ground truth for ctrain's data checks: the same counts computed with pandas on the same CSV files.

stdin: {"cases": [{"file", "key": [..], "label", "columns": {name: {"min", "max", "allowed", "regex", "min_length", "max_length"}}}]}
stdout: one result per case: nulls per column, range / allowed / regex / length unexpected counts per column, repeated keys,
duplicate rows, conflicting labels (rows whose label differs from the first label of identical features), and the
smallest class share.
"""
import json
import sys

import pandas as pd


def case_counts(case):
    # Text as written (dtype=str) and pandas' default null spellings, as ctrain reads CSV cells.
    frame = pd.read_csv(case["file"], dtype=str, keep_default_na=True)
    out = {"rows": int(len(frame)), "nulls": {name: int(frame[name].isna().sum()) for name in frame.columns}, "columns": {}}
    for name, rules in case["columns"].items():
        column = frame[name]
        present = column.notna()
        counts = {}
        if "min" in rules or "max" in rules:
            numbers = pd.to_numeric(column, errors="coerce")
            outside = numbers.isna() | (numbers < rules.get("min", float("-inf"))) | (numbers > rules.get("max", float("inf")))
            counts["range"] = int((present & outside).sum())
        if "allowed" in rules:
            counts["allowed"] = int((present & ~column.isin(rules["allowed"])).sum())
        if "regex" in rules:
            counts["regex"] = int((present & ~column.str.contains(rules["regex"], regex=True, na=False)).sum())
        if "min_length" in rules or "max_length" in rules:
            lengths = column.str.len()
            bad = (lengths < rules.get("min_length", 0)) | (lengths > rules.get("max_length", float("inf")))
            counts["length"] = int((present & bad).sum())
        out["columns"][name] = counts
    key = case["key"]
    keyed = frame[frame[key].notna().any(axis=1)]
    out["repeated_keys"] = int(keyed.duplicated(subset=key, keep="first").sum())
    out["duplicate_rows"] = int(frame.duplicated(keep="first").sum())
    label = case["label"]
    labelled = frame[frame[label].notna()]
    features = [c for c in frame.columns if c != label and c not in key]
    first = labelled.groupby(features, dropna=False, sort=False)[label].transform("first")
    out["conflicting_labels"] = int((labelled[label] != first).sum())
    shares = labelled[label].value_counts(normalize=True)
    out["smallest_class_share"] = float(shares.min()) if len(shares) else None
    return out


def main():
    request = json.load(sys.stdin)
    json.dump([case_counts(case) for case in request["cases"]], sys.stdout)


main()
