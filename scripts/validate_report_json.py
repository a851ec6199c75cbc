#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Check af_xdp_user --json output against schema/af_xdp_user.schema.json.

    scripts/validate_report_json.py FILE...   ('-' reads standard input)

Every line that starts with '{' must parse and match the schema; other
lines (human output, a truncated tail after a kill) are not JSON reports
and are skipped. Prints "N lines valid" or one line per error (file:line:
path: message); exit status 0 or 1, 2 when jsonschema is missing
(Debian package python3-jsonschema).
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("validate_report_json: needs the Debian package python3-jsonschema", file=sys.stderr)
    sys.exit(2)

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schema",
                      "af_xdp_user.schema.json")


def main(paths):
    with open(SCHEMA) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    # The same schema narrowed to one type, for messages that name the
    # key at fault rather than "not valid under any of the given schemas".
    by_type = {}
    for branch in schema["oneOf"]:
        name = branch["$ref"].rsplit("/", 1)[1]
        narrowed = dict(schema, oneOf=[branch])
        by_type[name] = cls(narrowed)
    valid = errors = 0
    for path in paths:
        f = sys.stdin if path == "-" else open(path, errors="replace")
        for n, line in enumerate(f, 1):
            if not line.startswith("{"):
                continue
            # A line cut short by SIGKILL has no newline: not a report.
            if not line.endswith("\n"):
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                print("%s:%d: not JSON: %s" % (path, n, e))
                errors += 1
                continue
            found = list(validator.iter_errors(obj))
            typed = by_type.get(obj.get("type")) if isinstance(obj, dict) else None
            if found and typed:
                found = list(typed.iter_errors(obj)) or found
                found = [c for e in found for c in (e.context or [e])]
            found.sort(key=lambda e: list(e.absolute_path))
            for e in found[:3]:
                where = "/".join(str(p) for p in e.absolute_path) or "(top)"
                print("%s:%d: %s: %s" % (path, n, where, e.message[:300]))
            if found:
                errors += 1
            else:
                valid += 1
    print("%d lines valid, %d invalid" % (valid, errors))
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
