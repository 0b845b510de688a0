"""The example's trainer: gradient-boosted trees on the breast cancer data in data/, with scikit-learn.

ctrain runs it with CTRAIN_PARAMS_FILE (the merged params, as JSON); it also runs alone with params.json.
Everything it writes goes to out/, where ctrain.yml looks for it:
  metrics.json         the trainer's own view (train and test accuracy, log loss; test ROC AUC)
  predictions.csv      one row per test tumour: id, y_true, y_pred, score (P(malignant)) and radius_band, a slice
  learning-curve.csv   per boosting stage: the log loss on the training and on the test rows
  model.joblib         the fitted model (a pickle: load it only from a source you trust)
"""

import csv
import json
import os
from pathlib import Path

import joblib
import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
LABEL = "malignant"
DEFAULT_PARAMS = {"n_estimators": 150, "learning_rate": 0.1, "max_depth": 2, "subsample": 0.8, "random_state": 0}
# Tumour size bands by mean radius (mm): each gets its own metrics in the report, so a model that only got
# worse on small tumours shows it.
RADIUS_BANDS = ((12.0, "small"), (16.0, "medium"), (float("inf"), "large"))


def read_params():
    path = Path(os.environ.get("CTRAIN_PARAMS_FILE") or HERE / "params.json")
    given = json.loads(path.read_text()) if path.exists() else {}
    return {**DEFAULT_PARAMS, **given}


def read_dataset(name):
    with open(HERE / "data" / f"{name}.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    features = [column for column in rows[0] if column not in ("id", LABEL)]
    X = np.array([[float(row[column]) for column in features] for row in rows])
    y = np.array([int(row[LABEL]) for row in rows])
    return [row["id"] for row in rows], X, y, features


def radius_band(radius):
    return next(band for limit, band in RADIUS_BANDS if radius < limit)


def main():
    params = read_params()
    _, X_train, y_train, features = read_dataset("train")
    test_ids, X_test, y_test, _ = read_dataset("test")
    model = GradientBoostingClassifier(**params)
    model.fit(X_train, y_train)

    OUT.mkdir(exist_ok=True)
    with open(OUT / "learning-curve.csv", "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["step", "train_log_loss", "test_log_loss"])
        stages = zip(model.staged_predict_proba(X_train), model.staged_predict_proba(X_test))
        for stage, (train_proba, test_proba) in enumerate(stages, start=1):
            losses = [
                log_loss(y, proba[:, 1], labels=[0, 1]) for y, proba in ((y_train, train_proba), (y_test, test_proba))
            ]
            writer.writerow([stage, *losses])
            if stage % 25 == 0:
                print(f"stage {stage}: train log loss {losses[0]:.4f}, test log loss {losses[1]:.4f}")

    score = model.predict_proba(X_test)[:, 1]
    predicted = model.predict(X_test)
    radius = X_test[:, features.index("mean_radius")]
    with open(OUT / "predictions.csv", "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "y_true", "y_pred", "score", "radius_band"])
        for row in range(len(y_test)):
            writer.writerow([test_ids[row], y_test[row], predicted[row], score[row], radius_band(radius[row])])

    train_score = model.predict_proba(X_train)[:, 1]
    metrics = {
        "train": {
            "rows": len(y_train),
            "accuracy": accuracy_score(y_train, model.predict(X_train)),
            "log_loss": log_loss(y_train, train_score),
        },
        "test": {
            "rows": len(y_test),
            "accuracy": accuracy_score(y_test, predicted),
            "roc_auc": roc_auc_score(y_test, score),
            "log_loss": log_loss(y_test, score),
        },
    }
    (OUT / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    joblib.dump(model, OUT / "model.joblib")
    print(f"test accuracy {metrics['test']['accuracy']:.4f}, ROC AUC {metrics['test']['roc_auc']:.4f}; wrote {OUT}")


if __name__ == "__main__":
    main()
