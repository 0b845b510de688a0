"""Ground truth for ctrain's cell typing, column names and UTF-8 checks, from pandas and the Python
standard library, serving JSON requests one per line on stdin.

{"cells": [text, ...]} -> {"kinds": [...], "numbers": [...]}: what pandas.read_csv makes of each text
alone in a column (default na_values plus "None", which pandas 2 adds): "null" (NA), "integer"
(int64/uint64), "float", "boolean", or "string" (object), and the number of a numeric cell.
{"timestamps": [text, ...]} -> {"parsed": [[year, month, day, hour, minute, second, microsecond,
utc_offset_seconds or null] or null, ...]} by datetime.fromisoformat.
{"header": path} -> {"columns": [...]}: the column names pandas.read_csv gives the file.
{"columns": path} -> {"dtypes": [...], "nulls": [...]}: pandas.read_csv's dtype and NA count per column.
{"utf8": hex} -> {"start": offset of the first invalid byte (UnicodeDecodeError.start) or null,
"line": its 1-based line counting LF, CRLF and lone CR}.
"""
import csv
import io
import json
import re
import sys
from datetime import datetime

import pandas as pd


def kind_of(series):
    """The kind pandas gave a one-cell column, and its number ("inf"/"-inf" for infinities)."""
    if series.isna().iloc[0]:
        return "null", None
    kind = {"i": "integer", "u": "integer", "f": "float", "b": "boolean"}.get(series.dtype.kind, "string")
    if kind not in ("integer", "float"):
        return kind, None
    number = float(series.iloc[0])
    if number in (float("inf"), float("-inf")):
        return kind, "inf" if number > 0 else "-inf"
    return kind, number


def cells(texts):
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    # A last constant column keeps a row of blanks from reading as a blank line.
    writer.writerow([f"c{i}" for i in range(len(texts))] + ["end"])
    writer.writerow(texts + ["x"])
    text = buffer.getvalue()
    # Kinds from pandas' defaults; numbers from its exact parser (the default may be one unit off in the last place).
    default = pd.read_csv(io.StringIO(text), na_values=["None"])
    exact = pd.read_csv(io.StringIO(text), na_values=["None"], float_precision="round_trip")
    names = default.columns[:-1]
    kinds = [kind_of(default[name])[0] for name in names]
    numbers = [kind_of(exact[name])[1] if kind in ("integer", "float") else None for name, kind in zip(names, kinds)]
    return {"kinds": kinds, "numbers": numbers}


def timestamp(text):
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    offset = parsed.utcoffset()
    return [parsed.year, parsed.month, parsed.day, parsed.hour, parsed.minute, parsed.second, parsed.microsecond,
            None if offset is None else int(offset.total_seconds())]


def utf8(data):
    try:
        data.decode("utf-8")
        return {"start": None, "line": None}
    except UnicodeDecodeError as error:
        line = 1 + len(re.findall(rb"\r\n|\r|\n", data[: error.start]))
        return {"start": error.start, "line": line}


for request in sys.stdin:
    case = json.loads(request)
    try:
        if "cells" in case:
            answer = cells(case["cells"])
        elif "columns" in case:
            frame = pd.read_csv(case["columns"], na_values=["None"])
            answer = {"dtypes": [str(frame[name].dtype) for name in frame.columns],
                      "nulls": [int(frame[name].isna().sum()) for name in frame.columns]}
        elif "header" in case:
            answer = {"columns": [str(name) for name in pd.read_csv(case["header"], nrows=0).columns]}
        elif "timestamps" in case:
            answer = {"parsed": [timestamp(text) for text in case["timestamps"]]}
        else:
            answer = utf8(bytes.fromhex(case["utf8"]))
    except Exception as error:  # noqa: BLE001 - any failure is reported to the test
        answer = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(answer), flush=True)
