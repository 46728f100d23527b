# Shared set-up for run.sh and test.sh: checks the tools, installs the pinned Node tools (Azurite, Redocly CLI), builds.
# Sourced, not run. Every process a script starts is recorded and stopped by stop_started on exit.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STARTED_PIDS=()

log() { printf '\033[1m[%s]\033[0m %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

require_tools() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is not on PATH"
  command -v node >/dev/null || die "Node.js 20 (node) is not on PATH"
  command -v npm >/dev/null || die "npm is not on PATH"
}

# npm ci when node_modules is missing, lacks a tool, or is older than package-lock.json: the pinned Azurite (storage
# emulator) and Redocly CLI (the OpenAPI document's linter, run by a test).
install_node_tools() {
  local stamp="$ROOT/node_modules/.package-lock.json"
  if [[ ! -x "$ROOT/node_modules/.bin/azurite" || ! -x "$ROOT/node_modules/.bin/redocly" || ! -f "$stamp" || "$ROOT/package-lock.json" -nt "$stamp" ]]; then
    log "installing the pinned Azurite and Redocly CLI (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  fi
}

# The browser test drives Debian's Chromium (Playwright's own browser download is not reachable here), with a CJK
# font so that its screenshot shows the Chinese text.
install_chromium() {
  local need=()
  [[ -x /usr/bin/chromium ]] || need+=(chromium)
  [[ -d /usr/share/fonts/opentype/noto ]] || need+=(fonts-noto-cjk)
  [[ ${#need[@]} -gt 0 ]] || return 0
  log "installing ${need[*]} for the browser test (apt-get)"
  local sudo=""
  [[ "$(id -u)" == "0" ]] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
}

build() {
  local configuration="${1:-Release}"
  log "restoring and building ($configuration)"
  (cd "$ROOT" && dotnet build Trading.sln -c "$configuration" -nologo -v quiet -clp:ErrorsOnly) || die "build failed"
}

# publish_app DIR: the isolated-worker app as Azure Functions takes it (Worker.Sdk writes functions.metadata,
# worker.config.json and extensions.json; host.json comes from the repository root).
publish_app() {
  local out="$1"
  log "publishing to $out"
  rm -rf "$out"
  (cd "$ROOT" && dotnet publish functions/Trading.Functions.csproj -c Release -o "$out" -nologo -v quiet -clp:ErrorsOnly) || die "publish failed"
  for f in host.json functions.metadata worker.config.json; do [[ -f "$out/$f" ]] || die "publish wrote no $f"; done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port="$1" what="$2" tries=0
  until port_in_use "$port"; do
    tries=$((tries + 1))
    [[ $tries -gt 300 ]] && die "$what did not listen on port $port within 60 s"
    sleep 0.2
  done
}

# start_azurite <blobPort> <queuePort> <tablePort> [azurite flags...]
start_azurite() {
  local blob="$1" queue="$2" table="$3"; shift 3
  for p in "$blob" "$queue" "$table"; do
    port_in_use "$p" && die "port $p is already in use (another Azurite?); stop it or set AZURITE_*_PORT"
  done
  AZURITE_LOG="${AZURITE_LOG:-$(mktemp)}"
  "$ROOT/node_modules/.bin/azurite" --skipApiVersionCheck --silent \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table" "$@" >"$AZURITE_LOG" 2>&1 &
  AZURITE_PID=$!
  wait_for_port "$blob" Azurite
  wait_for_port "$table" Azurite
}

connection_string() {
  local blob="$1" table="$2" queue="$3"
  printf 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:%s/devstoreaccount1;TableEndpoint=http://127.0.0.1:%s/devstoreaccount1;QueueEndpoint=http://127.0.0.1:%s/devstoreaccount1;' "$blob" "$table" "$queue"
}

# True while process $1 runs (a zombie, exited but not yet reaped by us, does not count).
alive() { [[ -r "/proc/$1/stat" ]] && [[ "$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != "Z" ]]; }

# Waits up to $2 seconds for process $1 to end; true when it ended.
wait_gone() {
  local pid="$1" ticks=$(( $2 * 5 ))
  while alive "$pid" && [[ $ticks -gt 0 ]]; do sleep 0.2; ticks=$((ticks - 1)); done
  ! alive "$pid"
}

# Stops everything this script started: SIGTERM, then SIGKILL after 15 s. (Background jobs of a script ignore the
# terminal's SIGINT, so Ctrl-C reaches them only through this.)
stop_started() {
  local pid
  for pid in "${STARTED_PIDS[@]:-}"; do
    [[ -n "$pid" ]] || continue
    alive "$pid" || continue
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 15 || { log "process $pid did not stop: killing it"; kill -KILL "$pid" 2>/dev/null || true; }
  done
  STARTED_PIDS=()
  stop_azurite
}

# Azurite 3.37 closes its three services on the first SIGINT/SIGTERM (saving its data) but its process does not exit,
# and a second signal makes it try to close again. Node sees the terminal's Ctrl-C, so after Ctrl-C it is already
# closing. So: one signal (unless Ctrl-C sent it), wait for the three "successfully closed" lines, then SIGKILL.
stop_azurite() {
  local pid="${AZURITE_PID:-}" ticks=75
  [[ -n "$pid" ]] && alive "$pid" || return 0
  [[ "${INTERRUPTED:-0}" == "1" ]] || kill -TERM "$pid" 2>/dev/null || true
  while alive "$pid" && [[ $ticks -gt 0 ]] && [[ "$(grep -c 'successfully closed' "$AZURITE_LOG" 2>/dev/null)" -lt 3 ]]; do
    sleep 0.2; ticks=$((ticks - 1))
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  AZURITE_PID=""
}
