"""The example's trainer: gradient-boosted regression trees on the diabetes data in data/, with scikit-learn.

ctrain runs it with CTRAIN_PARAMS_FILE (the merged params, as JSON); it also runs alone with params.json.
Everything it writes goes to out/, where ctrain.yml looks for it:
  metrics.json         the trainer's own view (train and test R2 and mean absolute error)
  predictions.csv      one row per test patient: id, y_true, y_pred and age_band, a slice; ctrain evaluates it
                       as a regression (MAE, RMSE, R2, MAPE, median absolute error, explained variance)
  model.joblib         the fitted model (a pickle: load it only from a source you trust)
"""

import csv
import json
import os
from pathlib import Path

import joblib
import numpy as np
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import mean_absolute_error, r2_score

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TARGET = "progression"
DEFAULT_PARAMS = {"n_estimators": 200, "learning_rate": 0.05, "max_depth": 2, "subsample": 0.8, "random_state": 0}
# Age bands: each gets its own metrics in the report, so a model that only got worse for older patients shows it.
AGE_BANDS = ((40.0, "under-40"), (60.0, "40-59"), (float("inf"), "60-plus"))


def read_params():
    path = Path(os.environ.get("CTRAIN_PARAMS_FILE") or HERE / "params.json")
    given = json.loads(path.read_text()) if path.exists() else {}
    return {**DEFAULT_PARAMS, **given}


def read_dataset(name):
    with open(HERE / "data" / f"{name}.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    features = [column for column in rows[0] if column not in ("id", TARGET)]
    X = np.array([[float(row[column]) for column in features] for row in rows])
    y = np.array([float(row[TARGET]) for row in rows])
    return [row["id"] for row in rows], X, y, features


def age_band(age):
    return next(band for limit, band in AGE_BANDS if age < limit)


def main():
    params = read_params()
    _, X_train, y_train, features = read_dataset("train")
    test_ids, X_test, y_test, _ = read_dataset("test")
    model = GradientBoostingRegressor(**params)
    model.fit(X_train, y_train)

    OUT.mkdir(exist_ok=True)
    predicted = model.predict(X_test)
    age = X_test[:, features.index("age")]
    with open(OUT / "predictions.csv", "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "y_true", "y_pred", "age_band"])
        for row in range(len(y_test)):
            writer.writerow([test_ids[row], repr(float(y_test[row])), repr(float(predicted[row])), age_band(age[row])])

    metrics = {
        "train": {"rows": len(y_train), "r2": r2_score(y_train, model.predict(X_train))},
        "test": {
            "rows": len(y_test),
            "r2": r2_score(y_test, predicted),
            "mae": mean_absolute_error(y_test, predicted),
        },
    }
    (OUT / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    joblib.dump(model, OUT / "model.joblib")
    print(f"test R2 {metrics['test']['r2']:.4f}, MAE {metrics['test']['mae']:.2f}; wrote {OUT}")


if __name__ == "__main__":
    main()
