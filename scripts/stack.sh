#!/usr/bin/env bash
# The one command that runs all of chaintrack on this machine on embedded services:
# PostgreSQL, a Kafka broker, the Flink jobs in a MiniCluster, the synthetic chain (or --rpc-url), the API.
#
# The first start builds the launcher (`mvn package -pl stack -am`); a later start skips Maven when no file the
# build reads (tracked, or new and not git-ignored) has changed since the last successful build: the fingerprint
# of the sources and of the outputs is kept in stack/target/stack-build.stamp. CHAINTRACK_REBUILD=1 forces a build.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=stack/target/stack-build.stamp
# the launcher runs from the stack jar, not target/classes: class data sharing (below) archives jars only
launcher_jar() {
  local jar
  for jar in stack/target/chaintrack-stack-*.jar; do
    if [[ -f "$jar" && "$jar" != *-tests.jar && "$jar" != *-sources.jar ]]; then printf '%s\n' "$jar"; return 0; fi
  done
  return 1
}

# What the build reads: the content of every tracked file and of every new file git does not ignore, outside the
# folders Maven never reads (docs, deployment, scripts), as "blob-id path" lines (blob ids of unchanged files come
# from the index without reading them), so staging or committing a change does not count as one. Empty outside a
# git checkout: then every start builds.
inputs=(. ':(exclude)docs' ':(exclude)k8s' ':(exclude)docker' ':(exclude)scripts' ':(exclude).ci'
        ':(exclude)README.md' ':(exclude).yamllint' ':(exclude)package.json' ':(exclude)package-lock.json')
fingerprint() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 || return 0
  local changed
  changed=$(git -c core.quotePath=false diff --name-only -- "${inputs[@]}"
            git -c core.quotePath=false ls-files -o --exclude-standard -- "${inputs[@]}")
  {
    git -c core.quotePath=false ls-files -s -- "${inputs[@]}" \
      | awk -F'\t' 'NR == FNR { skip[$0] = 1; next } !($2 in skip) { split($1, m, " "); print m[2] " " $2 }' \
            <(printf '%s\n' "$changed") -
    while IFS= read -r f; do
      if [[ -n "$f" && -e "$f" ]]; then printf '%s %s\n' "$(git hash-object -- "$f")" "$f"; fi
    done <<< "$changed"
  } | LC_ALL=C sort | sha256sum | cut -d' ' -f1
}

# The build outputs the launch below reads: every entry of the recorded classpath must exist, and the ones this
# checkout built (the module jars) are listed with size and modification time, so that a build made outside this
# script (another state of the sources, `mvn clean`) is never mistaken for the stamped one.
outputs() {
  local entry jar
  jar=$(launcher_jar) && [[ -s stack/target/classpath.txt ]] || return 1
  stat -c '%n %s %Y' -- "$jar"
  while IFS= read -r -d: entry; do
    [[ -e "$entry" ]] || return 1
    if [[ "$entry" == "$PWD"/* ]]; then stat -c '%n %s %Y' -- "$entry"; fi
  done < <(tr -d '\n' < stack/target/classpath.txt; printf ':')
  stat -c '%n %s %Y' stack/target/classpath.txt
}

current=$(fingerprint)
if [[ "${CHAINTRACK_REBUILD:-0}" != 1 && -n "$current" && -f "$stamp" ]] \
    && built=$(outputs) && [[ "$(cat "$stamp")" == "$current"$'\n'"$built" ]]; then
  echo "chaintrack: nothing changed since the last build (${stamp}); starting without Maven" >&2
else
  rm -f "$stamp"
  mvn -B -q -ntp -DskipTests package -pl stack -am
  if [[ -n "$current" ]] && built=$(outputs); then
    printf '%s\n%s\n' "$current" "$built" > "$stamp"
  fi
fi

# Class data sharing (JDK 17 AppCDS): the first start after a build records the classes it loaded in an archive,
# written when the JVM exits; later starts map that archive instead of loading and verifying those classes again.
cds=stack/target/stack-classes.jsa
if [[ -f "$cds" && -f "$stamp" && "$cds" -nt "$stamp" ]]; then
  cds_flag="-XX:SharedArchiveFile=$cds"
else
  rm -f "$cds"
  cds_flag="-XX:ArchiveClassesAtExit=$cds"
fi

exec java -Xmx4g -XX:+UseG1GC "$cds_flag" -Xlog:cds=off -Xlog:cds+dynamic=off \
  -Dot.epg.working-dir=.chaintrack/embedded-pg-bin \
  -cp "$(launcher_jar):$(cat stack/target/classpath.txt)" io.chaintrack.stack.ChaintrackCli stack "$@"
