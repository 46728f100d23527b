#!/usr/bin/env bash
# ./test.sh   set up (tools, pinned Azurite and Redocly CLI, build), then every test. The tests start their own in-memory Azurite
#             on free ports and stop it when they end.
set -euo pipefail
source "$(dirname "$0")/scripts/common.sh"
cd "$ROOT"
require_tools
install_node_tools
install_chromium
build Release

results="$ROOT/tests/TestResults"
rm -rf "$results"
trap 'pkill -f "$ROOT/node_modules/.bin/azurite.*--inMemoryPersistence" 2>/dev/null || true' EXIT

status=0
dotnet test Trading.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" || status=$?

# One closing line over all test assemblies.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  counters="$(grep -o '<Counters [^>]*' "$trx" | head -1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  t="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
  e="$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [[ $status -eq 0 && $passed -eq 0 ]]; then echo "no test ran" >&2; exit 1; fi
exit $status
