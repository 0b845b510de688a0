"""Per-class precision, recall, F1 and support from confusion matrices, by scikit-learn.

stdin: {"matrices": [[[...]], ...]}, each with rows = true classes and columns = predicted classes (scikit-learn's
layout). Each matrix is expanded back into label vectors so scikit-learn computes from predictions, not the matrix.
"""
import json
import sys

import numpy as np
from sklearn.metrics import precision_recall_fscore_support


def scores(matrix):
    matrix = np.array(matrix, dtype=np.int64)
    y_true, y_pred = [], []
    for t in range(matrix.shape[0]):
        for p in range(matrix.shape[1]):
            y_true += [t] * int(matrix[t, p])
            y_pred += [p] * int(matrix[t, p])
    labels = list(range(matrix.shape[0]))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    return {"precision": precision.tolist(), "recall": recall.tolist(), "f1": f1.tolist(), "support": support.tolist()}


json.dump([scores(matrix) for matrix in json.load(sys.stdin)["matrices"]], sys.stdout)
