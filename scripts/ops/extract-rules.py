#!/usr/bin/env python3
"""Write the rule groups of the PrometheusRule in a rendered kustomize stream (stdin) as a plain
Prometheus rules file (argv[1]), so promtool checks exactly what the cluster would load."""
import sys

import yaml

rules = [d for d in yaml.safe_load_all(sys.stdin) if d and d.get("kind") == "PrometheusRule"]
if len(rules) != 1:
    sys.exit(f"expected exactly one PrometheusRule in the rendered overlay, found {len(rules)}")
with open(sys.argv[1], "w") as out:
    yaml.safe_dump({"groups": rules[0]["spec"]["groups"]}, out, sort_keys=False)
