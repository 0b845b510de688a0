"""Writes the example's data from the diabetes dataset that scikit-learn ships (442 patients, 10 baseline measures).

The target is a measure of disease progression one year after baseline. The split is fixed (seed 0), so every clone
validates and trains on the same files; the CSVs are committed so that `ctrain validate` has data to check without
Python. Run it again only to regenerate them:

    python export_data.py
"""

import csv
from pathlib import Path

from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

HERE = Path(__file__).resolve().parent
TARGET = "progression"


def main():
    # Unscaled: age in years, sex as 1 or 2, body mass index, blood pressure and six blood serum measurements.
    dataset = load_diabetes(scaled=False)
    columns = list(dataset.feature_names)
    ids = list(range(len(dataset.target)))
    train_ids, test_ids = train_test_split(ids, test_size=0.3, random_state=0)
    (HERE / "data").mkdir(exist_ok=True)
    for name, rows in (("train", sorted(train_ids)), ("test", sorted(test_ids))):
        with open(HERE / "data" / f"{name}.csv", "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["id", *columns, TARGET])
            for row in rows:
                # repr() is the shortest text that reads back as the same float.
                writer.writerow([row, *(repr(float(value)) for value in dataset.data[row]), repr(float(dataset.target[row]))])
        print(f"wrote data/{name}.csv: {len(rows)} rows")


if __name__ == "__main__":
    main()
