#!/usr/bin/env python3
"""Turn every PromQL target of the Grafana dashboards (argv[1:]) into a recording rule written to
stdout, so `promtool check rules` parses each dashboard query. Grafana variables are replaced by
values of the same type first ($__rate_interval by 5m, $var by .*)."""
import json
import re
import sys

import yaml

rules = []
for path in sys.argv[1:]:
    with open(path) as f:
        dashboard = json.load(f)
    for panel in dashboard.get("panels", []):
        for target in panel.get("targets", []):
            expr = target.get("expr", "")
            if not expr.strip():
                sys.exit(f"{path}: panel '{panel.get('title')}' has a target without expr")
            expr = expr.replace("$__rate_interval", "5m").replace("$__interval", "1m")
            expr = re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", ".*", expr)
            rules.append({"record": f"dashboard:query_{len(rules)}", "expr": expr})
yaml.safe_dump({"groups": [{"name": "dashboard-queries", "rules": rules}]}, sys.stdout, sort_keys=False)
