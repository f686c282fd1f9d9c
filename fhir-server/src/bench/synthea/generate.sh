#!/usr/bin/env bash
# Generates reproducible Synthea R4 patients for `fhir-ledger bench --workload bundle --bundles DIR/fhir`.
#   fhir-server/src/bench/synthea/generate.sh OUT_DIR [PATIENTS] [SEED]
# Same seed, same count, same Synthea version: byte-for-byte the same files (the end date pins the clock).
# The first run downloads Synthea 3.3.0 and its dependencies (~220 MB) into the local Maven repository.
set -euo pipefail
out=${1:?usage: generate.sh OUT_DIR [PATIENTS] [SEED]}
patients=${2:-100}
seed=${3:-20240601}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
cp_file="$out/.synthea-classpath"
mvn -q -B -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp_file" >&2
java -cp "$(cat "$cp_file")" App -s "$seed" -cs "$seed" -r 20250101 -e 20250101 -p "$patients" \
  --exporter.years_of_history=10 --exporter.baseDirectory="$out" \
  --exporter.fhir.transaction_bundle=true --exporter.hospital.fhir.export=true \
  --exporter.practitioner.fhir.export=true --exporter.ccda.export=false Massachusetts >&2
ls "$out/fhir" | wc -l | xargs -I{} echo "wrote {} Bundles to $out/fhir"
