"""numpy's answers for the model-test stage: linear percentiles of latencies and isclose of outputs."""
import json
import sys

import numpy as np

request = json.load(sys.stdin)
json.dump(
    {
        "percentiles": [
            [float(v) for v in np.percentile(np.array(sample, dtype=float), [50, 95, 99])]
            for sample in request["percentiles"]
        ],
        "isclose": [
            bool(np.isclose(float(actual), float(expected), rtol=rtol, atol=atol, equal_nan=True))
            for actual, expected, atol, rtol in request["isclose"]
        ],
    },
    sys.stdout,
)
