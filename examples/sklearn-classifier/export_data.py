"""Writes the example's data from the breast cancer dataset that scikit-learn ships (569 tumours, 30 measurements).

The split is fixed (stratified, seed 0), so every clone validates and trains on the same files; the CSVs are
committed so that `ctrain validate` has data to check without Python. Run it again only to regenerate them:

    python export_data.py
"""

import csv
from pathlib import Path

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

HERE = Path(__file__).resolve().parent
LABEL = "malignant"


def main():
    dataset = load_breast_cancer()
    columns = [name.replace(" ", "_") for name in dataset.feature_names]
    # scikit-learn codes benign as 1; the example predicts the class that matters clinically, so malignant is 1.
    malignant = 1 - dataset.target
    ids = list(range(len(malignant)))
    train_ids, test_ids = train_test_split(ids, test_size=0.3, stratify=malignant, random_state=0)
    (HERE / "data").mkdir(exist_ok=True)
    for name, rows in (("train", sorted(train_ids)), ("test", sorted(test_ids))):
        with open(HERE / "data" / f"{name}.csv", "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["id", *columns, LABEL])
            for row in rows:
                # repr() is the shortest text that reads back as the same float.
                writer.writerow([row, *(repr(float(value)) for value in dataset.data[row]), int(malignant[row])])
        print(f"wrote data/{name}.csv: {len(rows)} rows")


if __name__ == "__main__":
    main()
