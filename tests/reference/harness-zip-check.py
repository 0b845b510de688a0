"""Reads the zip archives named on the command line with Python's zipfile and prints what each holds.

Ground truth for the harness's zip writer: every archive must pass zipfile's CRC check (testzip) and list the
same names and bytes that were written. Prints one JSON object per archive, in order: {"bad": name-or-null,
"files": {name: base64 bytes}}.
"""
import base64
import json
import sys
import zipfile

results = []
for path in sys.argv[1:]:
    with zipfile.ZipFile(path) as archive:
        results.append(
            {
                "bad": archive.testzip(),
                "files": {info.filename: base64.b64encode(archive.read(info)).decode("ascii") for info in archive.infolist()},
            }
        )
json.dump(results, sys.stdout)
