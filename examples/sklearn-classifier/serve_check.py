"""Loads the trained model in a fresh process and serves it over ctrain's model-test protocol.

ctrain's model-test step runs it against the run's model files ($CTRAIN_MODEL_FILES, a JSON array of paths): it
prints `ready` once the model is loaded, then answers each request line on stdin (one tumour's measurements as a JSON
object) with one line on stdout: {"id": ..., "label": 0 or 1, "probability": P(malignant)}. It exits when stdin
closes. Run alone, it loads out/model.joblib: `echo '{"mean_radius": 11.4, ...}' | python serve_check.py`.
"""

import csv
import json
import os
import sys
from pathlib import Path

import joblib
import numpy as np

HERE = Path(__file__).resolve().parent
LABEL = "malignant"


def model_file():
    files = json.loads(os.environ.get("CTRAIN_MODEL_FILES") or "[]") or [str(HERE / "out" / "model.joblib")]
    return next(path for path in files if path.endswith(".joblib"))


def feature_names():
    # The model was fitted on the training file's columns in this order (train.py drops the id and the label).
    with open(HERE / "data" / "train.csv", newline="") as f:
        header = next(csv.reader(f))
    return [column for column in header if column not in ("id", LABEL)]


def main():
    model = joblib.load(model_file())
    features = feature_names()
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        x = np.array([[float(request[name]) for name in features]])
        probability = float(model.predict_proba(x)[0, 1])
        response = {"id": request.get("id"), "label": int(model.predict(x)[0]), "probability": probability}
        print(json.dumps(response), flush=True)


if __name__ == "__main__":
    main()
