"""Ground truth for the train tests, computed independently of ctrain: file sha256s, DVC-flattened metrics,
learning-curve columns, and a dataset fingerprint as `sha256sum <files> | sort -k2 | sha256sum` defines it.

stdin: {"root": dir, "hash": [paths], "metrics": path?, "curves": path?, "dataset": [paths]?}
"""
import csv
import hashlib
import json
import math
import sys


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def flatten(value, prefix=""):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix: value}


def encode(value):
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")}
    return value


request = json.load(sys.stdin)
root = request["root"]
answer = {"sha256": {path: sha256(f"{root}/{path}") for path in request.get("hash", [])}}
if request.get("metrics"):
    with open(f"{root}/{request['metrics']}") as f:
        answer["metrics"] = {key: encode(value) for key, value in flatten(json.load(f)).items()}
if request.get("curves"):
    with open(f"{root}/{request['curves']}", newline="") as f:
        rows = list(csv.DictReader(f))
    step = rows[0].keys().__iter__().__next__()
    answer["curves"] = {
        column: [[float(row[step]), float(row[column])] for row in rows] for column in rows[0] if column != step
    }
if request.get("dataset"):
    lines = sorted((f"{sha256(f'{root}/{path}')}  {path}\n" for path in request["dataset"]), key=lambda line: line[66:])
    answer["fingerprint"] = hashlib.sha256("".join(lines).encode()).hexdigest()
json.dump(answer, sys.stdout)
