#!/usr/bin/python3
"""Parses a Prometheus text exposition with Prometheus's own parser.

    /usr/bin/python3 parse_metrics.py METRICS_FILE

Prints one JSON object: {"families": {name: type}, "samples": [{"name",
"labels", "value"}]}. Exits 1 with the parser's complaint if the text is
not valid exposition format. Used by tests/dashboard_browser_e2e_test.cc
(Debian's python3-prometheus-client; the interpreter is Debian's).
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    families, samples = {}, []
    try:
        for family in text_string_to_metric_families(text):
            families[family.name] = family.type
            for s in family.samples:
                samples.append({"name": s.name, "labels": s.labels, "value": s.value})
    except Exception as e:  # the parser raises ValueError and others
        print(f"parse_metrics.py: not valid exposition format: {e!r}", file=sys.stderr)
        sys.exit(1)
    json.dump({"families": families, "samples": samples}, sys.stdout)


if __name__ == "__main__":
    main()
