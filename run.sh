#!/usr/bin/env bash
# ./run.sh            set up, start Azurite (data in .data/) and the app on http://localhost:7071; Ctrl-C stops both.
#                     Loads the demo data set into empty storage unless TRADING_DEMO=0.
# ./run.sh publish [DIR]  publish the app for Azure Functions (custom handler) with host.json and every function.json.
set -euo pipefail
source "$(dirname "$0")/scripts/common.sh"
cd "$ROOT"
require_tools

if [[ "${1:-}" == "publish" ]]; then
  out="$(realpath -m "${2:-publish}")"
  log "publishing to $out"
  dotnet publish functions/Trading.Functions.csproj -c Release -o "$out" -nologo -v quiet -clp:ErrorsOnly
  dotnet "$out/Trading.Functions.dll" emit-metadata "$out" "$ROOT/host.json"
  log "done: $out holds host.json, one folder per function, and the Trading.Functions executable"
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

log "starting the app on http://localhost:7071"
dotnet functions/bin/Release/net10.0/Trading.Functions.dll --urls http://localhost:7071 &
app=$!
STARTED_PIDS+=("$app")
wait_for_port 7071 "the app"
log "ready: curl http://localhost:7071/api/health  (Ctrl-C stops Azurite and the app)"
wait "$app"
