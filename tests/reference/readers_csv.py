"""Ground truth for ctrain's CSV reader: Python's csv module (excel dialect, strict=False, as pandas'
python engine reads), serving JSON requests, one per line on stdin, one answer per line on stdout.

Request {"path", "delimiter"} -> {"rows": [{"line", "fields"}]} with each record's first physical line
(lines end at LF, CRLF or a lone CR, as Python's universal newlines count them); blank lines are left
out, as pandas skips them. The UTF-8 BOM is dropped. A failure answers {"error": message}.
"""
import csv
import json
import sys


def read(path, delimiter):
    rows = []
    with open(path, newline="", encoding="utf-8-sig") as source:
        reader = csv.reader(source, delimiter=delimiter)
        start = 1
        for fields in reader:
            if fields:
                rows.append({"line": start, "fields": fields})
            start = reader.line_num + 1
    return rows


for request in sys.stdin:
    case = json.loads(request)
    try:
        answer = {"rows": read(case["path"], case["delimiter"])}
    except Exception as error:  # noqa: BLE001 - any failure is reported to the test
        answer = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(answer), flush=True)
