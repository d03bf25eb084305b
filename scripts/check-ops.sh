#!/usr/bin/env bash
# Offline checks of the deployment: yamllint, promtool (rules, rule unit tests, dashboard queries)
# and `kubectl kustomize` of every overlay. Installs yamllint/promtool on a Debian-like machine when
# missing. Exits non-zero on the first failure. The typed-model validation of the rendered objects
# runs in Maven: io.chaintrack.stack.ops.* in the stack module.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

need_apt=()
command -v yamllint >/dev/null 2>&1 || need_apt+=(yamllint)
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
# the helpers parse YAML with PyYAML (a dependency of yamllint, installed with it)
python3 -c 'import yaml' 2>/dev/null || need_apt+=(python3-yaml)
if ((${#need_apt[@]})); then
  echo "== installing ${need_apt[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need_apt[@]}"
fi
command -v kubectl >/dev/null 2>&1 || { echo "kubectl (with built-in kustomize) is required" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== yamllint"
yamllint -s -c .yamllint k8s .yamllint

overlays=(k8s/overlays/*/)
if ((${#overlays[@]} == 0)); then echo "no overlays under k8s/overlays" >&2; exit 1; fi
for dir in "${overlays[@]}"; do
  overlay="$(basename "$dir")"
  echo "== kubectl kustomize $dir"
  kubectl kustomize "$dir" > "$work/$overlay.yaml"
  count="$(grep -c '^kind:' "$work/$overlay.yaml" || true)"
  echo "   $count objects"
  if [ "$count" -lt 10 ]; then echo "overlay $overlay renders only $count objects" >&2; exit 1; fi

  echo "== promtool check rules + test rules ($overlay)"
  mkdir -p "$work/promtool-$overlay"
  python3 scripts/ops/extract-rules.py "$work/promtool-$overlay/rules.yaml" < "$work/$overlay.yaml"
  promtool check rules "$work/promtool-$overlay/rules.yaml"
  cp k8s/tests/*.test.yaml "$work/promtool-$overlay/"
  (cd "$work/promtool-$overlay" && promtool test rules ./*.test.yaml)
done

echo "== promtool check of every Grafana dashboard query"
python3 scripts/ops/dashboard-exprs.py k8s/base/monitoring/dashboards/*.json > "$work/dashboard-queries.yaml"
promtool check rules "$work/dashboard-queries.yaml"

echo "check-ops: all checks passed"
