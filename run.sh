#!/usr/bin/env bash
# ./run.sh            set up, start Azurite (data in .data/) and the app on http://localhost:7071; Ctrl-C stops both.
#                     Runs it under Azure Functions Core Tools (func start) where func is on PATH, standalone on Kestrel
#                     otherwise (TRADING_HOST=standalone forces that). Loads the demo data set into empty storage unless TRADING_DEMO=0.
# ./run.sh publish [DIR]  publish the isolated-worker app (default: publish/) and zip it (DIR.zip) for
#                     `az functionapp deployment source config-zip --src DIR.zip` or `func azure functionapp publish`.
set -euo pipefail
source "$(dirname "$0")/scripts/common.sh"
cd "$ROOT"
require_tools

if [[ "${1:-}" == "publish" ]]; then
  out="$(realpath -m "${2:-publish}")"
  publish_app "$out"
  rm -f "$out.zip"
  if command -v zip >/dev/null; then (cd "$out" && zip -q -r -X "$out.zip" .); else python3 -m zipfile -c "$out.zip" "$out"/* "$out"/.azurefunctions; fi || die "zipping $out failed"
  log "done: $out (host.json, functions.metadata, worker.config.json, the worker) and $out.zip"
  exit 0
fi

install_node_tools
build Release

trap 'stop_started' EXIT
trap 'INTERRUPTED=1; exit 130' INT
trap 'exit 143' TERM

blob="${AZURITE_BLOB_PORT:-10000}" queue="${AZURITE_QUEUE_PORT:-10001}" table="${AZURITE_TABLE_PORT:-10002}"
mkdir -p .data/azurite
export AZURITE_LOG="$ROOT/.data/azurite.log"
log "starting Azurite (data in .data/azurite, log in .data/azurite.log)"
start_azurite "$blob" "$queue" "$table" --location .data/azurite

port_in_use 7071 && die "port 7071 is already in use"
export Trading__Storage="$(connection_string "$blob" "$table" "$queue")"
if [[ -z "${Trading__AdminKey:-}" ]]; then
  export Trading__AdminKey="local-admin-key"
  log "Trading__AdminKey is not set: using the local admin key 'local-admin-key'"
fi
export Trading__SeedDemo="$([[ "${TRADING_DEMO:-1}" == "0" ]] && echo false || echo true)"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"

if command -v func >/dev/null && [[ "${TRADING_HOST:-}" != "standalone" ]]; then
  # The real Functions host: it starts the worker, fires the timers, and answers /admin/functions/{name} itself.
  export AzureWebJobsStorage="$Trading__Storage" FUNCTIONS_WORKER_RUNTIME=dotnet-isolated
  log "starting the app under Azure Functions Core Tools (func start) on http://localhost:7071"
  (cd functions/bin/Release/net10.0 && exec func start --port 7071) &
else
  log "starting the app standalone on http://localhost:7071 (func is not on PATH)"
  dotnet functions/bin/Release/net10.0/Trading.Functions.dll --urls http://localhost:7071 &
fi
app=$!
STARTED_PIDS+=("$app")
wait_for_port 7071 "the app"
log "ready: curl http://localhost:7071/api/health  (Ctrl-C stops Azurite and the app)"
wait "$app"
