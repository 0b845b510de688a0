"""Loads a fitted scikit-learn model the way a deployment would and scores a CSV with it, independently of the
trainer that wrote it: the ground truth for the example's predictions.csv.

argv: model.joblib, a CSV with an id column, the features and the label column (named by argv[3])
stdout: {"ids": [...], "y_pred": [...], "score": [...]} (score: the probability of class 1)
"""
import csv
import json
import sys

import joblib
import numpy as np

model_path, data_path, label = sys.argv[1:4]
with open(data_path, newline="") as f:
    rows = list(csv.DictReader(f))
features = [column for column in rows[0] if column not in ("id", label)]
X = np.array([[float(row[column]) for column in features] for row in rows])
model = joblib.load(model_path)
json.dump(
    {
        "ids": [row["id"] for row in rows],
        "y_pred": [int(value) for value in model.predict(X)],
        "score": [float(value) for value in model.predict_proba(X)[:, 1]],
    },
    sys.stdout,
)
