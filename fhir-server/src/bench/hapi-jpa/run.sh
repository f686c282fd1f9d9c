#!/usr/bin/env bash
# Starts a HAPI FHIR JPA R4 server beside FHIR Ledger, for `fhir-ledger bench --baseline http://127.0.0.1:PORT/fhir`.
#   fhir-server/src/bench/hapi-jpa/run.sh PORT [DATA_DIR]
# Builds this folder's Maven project (not a module of the product's build) and runs the server in the foreground
# until Ctrl-C: hapi-fhir-jpaserver-base 8.6.5 on Spring Boot 3.5.7, Java 17, storage in an embedded PostgreSQL 14
# (zonky, as the product's nodes) under DATA_DIR/postgres with fsync and synchronous_commit on, schema from
# Hibernate. Listens on 127.0.0.1:PORT, FHIR base /fhir. DATA_DIR (default target/data here) keeps the data between
# runs; start from an empty one for comparable figures. JVM options as bench gives its node JVMs (-Xms256m -Xmx1g),
# overridable with HAPI_JPA_JVM_OPTS. The first build downloads HAPI's dependency tree (~300 MB) into the local
# Maven repository; later builds run offline. See docs/benchmarks.md, "A HAPI FHIR JPA server beside us".
set -euo pipefail
usage() { sed -n '2,11s/^# \{0,1\}//p' "$0"; }
if [[ ${1:-} == -h || ${1:-} == --help ]]; then usage; exit 0; fi
port=${1:-}
if [[ ! $port =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then usage >&2; exit 2; fi
here=$(cd "$(dirname "$0")" && pwd)
data=${2:-$here/target/data}
mkdir -p "$data"
data=$(cd "$data" && pwd)
build() { mvn -B -q "$@" -f "$here/pom.xml" package dependency:build-classpath -Dmdep.outputFile="$here/target/classpath.txt" >&2; }
# Offline first (no network needed once the local repository has everything); online only if something is missing.
if ! build -o 2>/dev/null; then
  echo "hapi-jpa: resolving dependencies online (first run)" >&2
  build
fi
echo "hapi-jpa: starting on 127.0.0.1:$port, data in $data (ready line follows; Ctrl-C stops)" >&2
# shellcheck disable=SC2086 # HAPI_JPA_JVM_OPTS is a space-separated option list, as bench's --node-jvm-opts
exec java ${HAPI_JPA_JVM_OPTS:--Xms256m -Xmx1g} -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
  org.fhirledger.bench.hapijpa.HapiJpaServer "$port" "$data"
