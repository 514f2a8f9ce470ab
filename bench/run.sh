#!/usr/bin/env bash
# The benchmark: builds Release, runs every scenario with wrk (and the other probes), prints one table and a
# PASS/FAIL line per target. See bench/README.md.
#   bash bench/run.sh           full run (~10 s per wrk scenario)
#   bash bench/run.sh --smoke   each scenario for about a second: checks only that everything runs and answers
# Exit status: non-zero when a scenario is broken (no requests, HTTP errors, wrong reply, lost save), never
# because a target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

smoke=0
[ "${1:-}" = "--smoke" ] && smoke=1
# Smoke: short runs and few connections (a 5,000-user reply can take longer than a second at 32 connections).
# Every compared pair is warmed up (JIT tiering done) and then measured in alternating rounds (A, B, A, B, …); the
# ratio reported is the median of the per-round ratios, with their spread. Smoke: one round, for form.
if [ "$smoke" = 1 ]; then
  duration=1; slow_duration=4; scale_users=10000; connections=4; rounds=1; warmup=1; warmup_windows=1
else
  duration=10; slow_duration=10; scale_users=100000; connections=32; rounds=3; warmup=3; warmup_windows=12
fi
warming=0
durable_clients=32
ns="http://www.superoffice.net/ws/crm/NetServer/Services86"
broken=()

say() { printf '== %s\n' "$*" >&2; }
broke() { broken+=("$*"); printf 'BROKEN: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- what the run needs
install_prerequisites() {
  local missing=() sudo_cmd=""
  command -v wrk >/dev/null || missing+=(wrk)
  command -v wsdl2h >/dev/null || missing+=(gsoap)
  [ -f /usr/include/stdsoap2.h ] || missing+=(libgsoap-dev)
  command -v g++ >/dev/null || missing+=(g++)
  command -v curl >/dev/null || missing+=(curl)
  command -v python3 >/dev/null || missing+=(python3)
  command -v npm >/dev/null || missing+=(nodejs npm)
  command -v psql >/dev/null || missing+=(postgresql-client)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  npm ci --prefix bench/peers/node-soap --no-audit --no-fund --loglevel=error >/dev/null
}

work="$(mktemp -d "${TMPDIR:-/tmp}/chatpresence-bench.XXXXXX")"
started=()
cleanup() {
  local pid
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ! declare -F scaleout_drop_database >/dev/null || scaleout_drop_database
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

# Server on core 0, load generator on core 1, when there are two cores to split. A .NET server pinned to one core
# sees a one-processor machine, and the runtime then waits 10 times longer (1 s instead of 100 ms) before it starts
# counting calls for tier-1 code, and starts that wait again whenever new code runs: measured here, the host took
# ~30 s of load to reach its steady rate instead of ~8 s. Every .NET server of the run (host, ceilings, SoapCore)
# therefore gets the delay it would have unpinned; the steady-state code is the same.
server_cpu=(); load_cpu=(); server_env=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server_cpu=(taskset -c 0); load_cpu=(taskset -c 1); server_env=(DOTNET_TC_DelaySingleProcMultiplier=1)
fi

build() {
  say "building (Release)"
  mkdir -p "$work/gsoap"
  # gSOAP peer: generated from our WSDL, never committed. Compiles while dotnet builds.
  (
    cd "$work/gsoap"
    wsdl2h -o chat.h "$repo/wsdl/Services86-Chat.wsdl" >wsdl2h.log 2>&1
    soapcpp2 -j -S -x -L -I/usr/share/gsoap/import chat.h >soapcpp2.log 2>&1
    g++ -O2 -o gsoap-peer "$repo/bench/peers/gsoap/server.cpp" soapC.cpp soapBasicHttpBinding_USCOREChatService.cpp \
      -I. -lgsoap++ -lpthread >gxx.log 2>&1
  ) &
  local gsoap_build=$!
  dotnet publish src/ChatPresence.Host -c Release -o "$work/host" -nologo -v q >"$work/publish-host.log" 2>&1 ||
    { cat "$work/publish-host.log"; exit 1; }
  dotnet publish bench/ChatPresence.Ceiling -c Release -o "$work/ceiling" -nologo -v q >"$work/publish-ceiling.log" 2>&1 ||
    { cat "$work/publish-ceiling.log"; exit 1; }
  dotnet publish bench/ChatPresence.LoadDriver -c Release -o "$work/driver" -nologo -v q >"$work/publish-driver.log" 2>&1 ||
    { cat "$work/publish-driver.log"; exit 1; }
  if [ -f bench/peers/soapcore/ChatPresence.SoapCorePeer.csproj ]; then
    dotnet publish bench/peers/soapcore -c Release -o "$work/soapcore" -nologo -v q >"$work/publish-soapcore.log" 2>&1 ||
      { cat "$work/publish-soapcore.log"; exit 1; }
  fi
  wait "$gsoap_build" || { cat "$work"/gsoap/*.log; exit 1; }
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_http() { # URL SECONDS
  local deadline=$((SECONDS + $2))
  until curl -s -o /dev/null "$1"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

stop() { # PID [SIGNAL]
  kill "-${2:-TERM}" "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# ---------------------------------------------------------------- the host
directory() { # USERS: writes $work/dir-USERS.json and .tsv once
  [ -f "$work/dir-$1.json" ] || python3 bench/make-directory.py "$1" "$work/dir-$1.json" "$work/dir-$1.tsv"
}

# start_host NAME USERS [VAR=value…]: sets host_pid and host_url. The data folder is kept per NAME, so a restart
# with the same NAME sees the same database.
start_host() {
  local name="$1" users="$2"; shift 2
  directory "$users"
  mkdir -p "$work/data-$name"
  local port; port="$(free_port)"
  host_url="http://127.0.0.1:$port"
  env ASPNETCORE_URLS="$host_url" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    ChatPresence__DataFolder="$work/data-$name" ChatPresence__InitialDirectory="$work/dir-$users.json" \
    ChatPresence__Identity__PasswordIterations=1000 "${server_env[@]}" "$@" \
    "${server_cpu[@]}" dotnet "$work/host/ChatPresence.Host.dll" >>"$work/host-$name.log" 2>&1 &
  host_pid=$!
  started+=("$host_pid")
  wait_http "$host_url/health" 300 || { tail -20 "$work/host-$name.log"; broke "host $name did not start"; return 1; }
}

soap_post() { # URL SERVICE OPERATION FILE [curl options…]: the reply body on stdout
  local url="$1" service="$2" operation="$3" file="$4"; shift 4
  curl -sS "$@" -X POST "$url/Remote/Services86/$service.svc" -H 'Content-Type: text/xml; charset=utf-8' \
    -H "SOAPAction: \"$ns/$service/$operation\"" --data-binary @"$file"
}

login() { # URL LOGIN: prints a ticket
  sed -e "s|{{USER}}|$2|" -e "s|{{PASSWORD}}|$2|" samples/soap/AuthenticateUsernamePassword.soap11.xml >"$work/login.xml"
  soap_post "$1" SoPrincipal AuthenticateUsernamePassword "$work/login.xml" | sed -n 's|.*<t:Ticket>\([^<]*\)</t:Ticket>.*|\1|p'
}

requests_for() { # TICKET: SOAP request files with the ticket filled in
  local v
  for v in 11 12; do sed "s|{{TICKET}}|$1|" "samples/soap/GetChatPresence.soap$v.xml" >"$work/get$v.xml"; done
  sed -e "s|{{TICKET}}|$1|" -e "s|{{USER_ID}}|2|" samples/soap/SaveChatPresence.soap11.xml >"$work/save-true.xml"
  sed 's|<t:Present>true</t:Present>|<t:Present>false</t:Present>|' "$work/save-true.xml" >"$work/save-false.xml"
}

count_users() { grep -oE 'UserId(>|":)[0-9]+' "$1" | wc -l; }

# expect_users NAME FILE USERS: the reply lists exactly USERS users
expect_users() {
  local n; n="$(count_users "$2")"
  [ "$n" = "$3" ] || { broke "$1: reply lists $n users, expected $3 ($(head -c 300 "$2"))"; return 1; }
}

# ---------------------------------------------------------------- wrk
declare -A rps p50 p99 errs users_of
order=()

# load NAME USERS URL [VAR=value…]: one wrk run; the request is described by WRK_* variables (bench/wrk/request.lua)
load() {
  local name="$1" users="$2" url="$3"; shift 3
  local seconds="$duration"
  [ "$users" -le 50 ] || seconds="$slow_duration"
  local out="$work/wrk-$name.txt"
  if [ "$warming" = 1 ]; then warm_up "$out" "$url" "$@"; return 0; fi
  env "$@" "${load_cpu[@]}" wrk -t1 -c"$connections" -d"${seconds}s" --timeout 60s -s bench/wrk/request.lua "$url" >"$out" 2>&1 || true
  local line; line="$(grep '^WRKRESULT' "$out" || true)"
  order+=("$name")
  users_of[$name]="$users"
  if [ -z "$line" ]; then
    rps[$name]=0; p50[$name]=-; p99[$name]=-; errs[$name]=-
    broke "$name: wrk printed no result ($(tail -3 "$out"))"
    return 0
  fi
  local requests duration_us status_errors socket_errors p50_us p99_us
  requests="$(sed -E 's/.* requests=([0-9]+).*/\1/' <<<"$line")"
  duration_us="$(sed -E 's/.* duration_us=([0-9]+).*/\1/' <<<"$line")"
  status_errors="$(sed -E 's/.* status_errors=([0-9]+).*/\1/' <<<"$line")"
  socket_errors="$(sed -E 's/.* socket_errors=([0-9]+).*/\1/' <<<"$line")"
  p50_us="$(sed -E 's/.* p50_us=([0-9]+).*/\1/' <<<"$line")"
  p99_us="$(sed -E 's/.* p99_us=([0-9]+).*/\1/' <<<"$line")"
  rps[$name]="$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { x = r / (d / 1e6); printf (x < 100 ? "%.1f" : "%.0f"), x }')"
  p50[$name]="$(awk -v u="$p50_us" 'BEGIN { printf "%.2f", u / 1000 }')"
  p99[$name]="$(awk -v u="$p99_us" 'BEGIN { printf "%.2f", u / 1000 }')"
  errs[$name]=$((status_errors + socket_errors))
  [ "$requests" -gt 0 ] || broke "$name: no requests completed"
  [ "${errs[$name]}" = 0 ] || broke "$name: $status_errors HTTP errors, $socket_errors socket errors"
}

# warm_up OUT URL [VAR=value…]: wrk windows of $warmup seconds, at least three, until two in a row agree within 5 %
# (JIT tiering done), at most $warmup_windows; the rates go to OUT. Nothing is reported or checked: a warm-up that completes
# nothing (a slow 5,000-user peer in a one-second smoke window) is not a broken scenario.
warm_up() {
  local out="$1" url="$2" w rate previous=0; shift 2
  : >"$out"
  for w in $(seq 1 "$warmup_windows"); do
    env "$@" "${load_cpu[@]}" wrk -t1 -c"$connections" -d"${warmup}s" --timeout 60s -s bench/wrk/request.lua "$url" >"$out.last" 2>&1 || true
    rate="$(sed -nE 's/.* requests=([0-9]+) duration_us=([0-9]+).*/\1 \2/p' "$out.last" | awk '{ printf "%.0f", $1 / ($2 / 1e6) }')"
    echo "window $w: ${rate:-?} req/s" >>"$out"
    [ -n "$rate" ] || continue
    [ "$w" -lt 3 ] || ! awk -v a="$rate" -v b="$previous" 'BEGIN { exit !(a <= b * 1.05 && a >= b * 0.95) }' || break
    previous="$rate"
  done
  rm -f "$out.last"
}

soap_env() { # VERSION FILE [ALT]: the WRK_* variables of a SOAP POST
  local action="$ns/Chat/$4"
  if [ "$1" = 11 ]; then
    printf '%s\n' "WRK_HEADERS=Content-Type: text/xml; charset=utf-8|SOAPAction: \"$action\"" "WRK_BODY=$2" "WRK_BODY_ALT=$3"
  else
    printf '%s\n' "WRK_HEADERS=Content-Type: application/soap+xml; charset=utf-8; action=\"$action\"" "WRK_BODY=$2" "WRK_BODY_ALT=$3"
  fi
}

load_soap() { # NAME USERS URL VERSION OPERATION FILE [ALT]
  local vars=()
  mapfile -t vars < <(soap_env "$4" "$6" "${7:-}" "$5")
  load "$1" "$2" "$3/Remote/Services86/Chat.svc" "${vars[@]}"
}

# ---------------------------------------------------------------- scenarios
declare -A fact

# The host with 50 users: SOAP and REST reads in steady state, then saves; captures the replies for the ceiling.
host_scenarios_50() {
  say "host, 50 users (steady)"
  start_host steady50 50 || return 0
  local ticket; ticket="$(login "$host_url" admin)"
  [ -n "$ticket" ] || { broke "login as admin failed"; stop "$host_pid"; return 0; }
  requests_for "$ticket"
  local auth="Authorization: SoTicket $ticket"

  soap_post "$host_url" Chat GetChatPresence "$work/get11.xml" -D "$work/soap-reply.headers" -o "$work/soap-reply.xml"
  expect_users soap-get11-50 "$work/soap-reply.xml" 50 || true
  grep -q 'Succeeded>true<' "$work/soap-reply.xml" || broke "soap GetChatPresence did not succeed"
  curl -sS -X POST "$host_url/Remote/Services86/Chat.svc" --data-binary @"$work/get12.xml" -o "$work/soap12-reply.xml" \
    -H "Content-Type: application/soap+xml; charset=utf-8; action=\"$ns/Chat/GetChatPresence\""
  expect_users soap-get12-50 "$work/soap12-reply.xml" 50 || true
  curl -sS "$host_url/api/v1/Presence/GetAll" -H "$auth" -D "$work/rest-reply.headers" -o "$work/rest-reply.json"
  expect_users rest-getall-50 "$work/rest-reply.json" 50 || true
  local etag; etag="$(sed -n 's/^ETag: *\(.*\)\r$/\1/Ip' "$work/rest-reply.headers")"
  local status; status="$(curl -sS -o /dev/null -w '%{http_code}' "$host_url/api/v1/Presence/GetAll" -H "$auth" -H "If-None-Match: $etag")"
  [ "$status" = 304 ] || broke "rest-getall-304: If-None-Match $etag answered $status"
  curl -sS -X POST "$host_url/api/v1/Agents/Chat/GetChatPresence?\$select=UserId,Present" -H "$auth" -o "$work/select-reply.json"
  expect_users rest-select-50 "$work/select-reply.json" 50 || true
  grep -q '"DisplayName":null' "$work/select-reply.json" || broke "rest-select-50: \$select did not null DisplayName"
  soap_post "$host_url" Chat SaveChatPresence "$work/save-true.xml" -o "$work/save-reply.xml"
  grep -q 'Succeeded>true<' "$work/save-reply.xml" || broke "soap SaveChatPresence did not succeed ($(head -c 300 "$work/save-reply.xml"))"
  # The save above changed the data: read once more so steady state starts from a filled cache.
  soap_post "$host_url" Chat GetChatPresence "$work/get11.xml" -D "$work/soap-reply.headers" -o "$work/soap-reply.xml"
  curl -sS "$host_url/api/v1/Presence/GetAll" -H "$auth" -D "$work/rest-reply.headers" -o "$work/rest-reply.json"
  etag="$(sed -n 's/^ETag: *\(.*\)\r$/\1/Ip' "$work/rest-reply.headers")"

  load_soap soap12-get 50 "$host_url" 12 GetChatPresence "$work/get12.xml"
  load rest-getall-304 50 "$host_url/api/v1/Presence/GetAll" WRK_METHOD=GET "WRK_HEADERS=$auth|If-None-Match: $etag"
  load rest-agent-select 50 "$host_url/api/v1/Agents/Chat/GetChatPresence?\$select=UserId,Present" "WRK_HEADERS=$auth"
  load_soap soap11-save 50 "$host_url" 11 SaveChatPresence "$work/save-true.xml" "$work/save-false.xml"
  # The saves changed the data: one read refills the cache; the host stays up for the compared rounds.
  soap_post "$host_url" Chat GetChatPresence "$work/get11.xml" -o /dev/null
  cp "$work/get11.xml" "$work/get11-steady50.xml"
  rest_ticket="$ticket"
  hosts[steady50]="$host_url"; host_pids[steady50]="$host_pid"
}

# start_get_host NAME USERS [VAR=value…]: a host left running for compared rounds; hosts[NAME] is its URL and
# $work/get11-NAME.xml a GetChatPresence request with an admin ticket of its own database.
declare -A hosts host_pids
start_get_host() {
  local name="$1" users="$2"; shift 2
  say "host, $users users ($name)"
  start_host "$name" "$users" "$@" || return 1
  local ticket; ticket="$(login "$host_url" admin)"
  [ -n "$ticket" ] || { broke "$name: login as admin failed"; return 1; }
  sed "s|{{TICKET}}|$ticket|" samples/soap/GetChatPresence.soap11.xml >"$work/get11-$name.xml"
  soap_post "$host_url" Chat GetChatPresence "$work/get11-$name.xml" -o "$work/$name-reply.xml" -D "$work/$name-reply.headers"
  expect_users "$name" "$work/$name-reply.xml" "$users" || true
  hosts[$name]="$host_url"; host_pids[$name]="$host_pid"
}

# capture NAME USERS: the exact reply bytes of the host NAME, identity and coded (gzip, br), SOAP and REST JSON, for
# the ceilings and the bytes ratios; a coded reply must decode to the identity bytes.
capture() {
  local name="$1" users="$2" url="${hosts[$1]}" enc ticket
  ticket="$(sed -n 's|.*<t:Ticket>\([^<]*\)</t:Ticket>.*|\1|p' "$work/get11-$name.xml")"
  for enc in identity gzip br; do
    soap_post "$url" Chat GetChatPresence "$work/get11-$name.xml" -H "Accept-Encoding: $enc" \
      -D "$work/bytes-soap-$users-$enc.headers" -o "$work/bytes-soap-$users-$enc"
    curl -sS "$url/api/v1/Presence/GetAll" -H "Authorization: SoTicket $ticket" -H "Accept-Encoding: $enc" \
      -D "$work/bytes-json-$users-$enc.headers" -o "$work/bytes-json-$users-$enc"
    fact[bytes-soap-$users-$enc]="$(wc -c <"$work/bytes-soap-$users-$enc")"
    fact[bytes-json-$users-$enc]="$(wc -c <"$work/bytes-json-$users-$enc")"
  done
  local kind
  for kind in soap json; do
    grep -qi '^Content-Encoding: *gzip' "$work/bytes-$kind-$users-gzip.headers" || broke "bytes-$kind-$users: no gzip reply"
    grep -qi '^Content-Encoding: *br' "$work/bytes-$kind-$users-br.headers" || broke "bytes-$kind-$users: no br reply"
    gzip -dc "$work/bytes-$kind-$users-gzip" | cmp -s - "$work/bytes-$kind-$users-identity" ||
      broke "bytes-$kind-$users: the gzip reply does not decode to the identity reply"
  done
  expect_users "bytes-soap-$users" "$work/bytes-soap-$users-identity" "$users" || true
}

# start_ceiling NAME REPLY-FILE HEADERS-FILE [ENCODING]: Kestrel answering with the captured bytes (ceilings[NAME])
declare -A ceilings ceiling_pids
start_ceiling() {
  local name="$1" reply="$2" content_type port pid
  content_type="$(sed -n 's/^Content-Type: *\(.*\)\r$/\1/Ip' "$3")"
  say "ceiling ($name: $(wc -c <"$reply") bytes, $content_type${4:+, $4})"
  port="$(free_port)"
  env CEILING_CONTENT_ENCODING="${4:-}" ASPNETCORE_URLS="http://127.0.0.1:$port" "${server_env[@]}" "${server_cpu[@]}" \
    dotnet "$work/ceiling/ChatPresence.Ceiling.dll" "$reply" "$content_type" >"$work/ceiling-$name.log" 2>&1 &
  pid=$!
  started+=("$pid")
  wait_http "http://127.0.0.1:$port/" 60 || { broke "ceiling $name did not start"; return 1; }
  curl -sS -X POST "http://127.0.0.1:$port/" --data-binary @"$work/get11.xml" -o "$work/$name-echo"
  cmp -s "$reply" "$work/$name-echo" || broke "$name: ceiling reply differs from the captured one"
  ceilings[$name]="http://127.0.0.1:$port"; ceiling_pids[$name]="$pid"
}

# start_peer KIND USERS: peers[KIND-USERS] is its URL
declare -A peers peer_pids
start_peer() {
  local kind="$1" users="$2" port pid
  directory "$users"
  port="$(free_port)"
  say "peer $kind, $users users"
  case "$kind" in
    node-soap) "${server_cpu[@]}" node bench/peers/node-soap/server.js "$repo/wsdl/Services86-Chat.wsdl" "$work/dir-$users.tsv" "$port" >"$work/$kind-$users.log" 2>&1 & ;;
    gsoap) "${server_cpu[@]}" "$work/gsoap/gsoap-peer" "$work/dir-$users.tsv" "$port" >"$work/$kind-$users.log" 2>&1 & ;;
    soapcore) env "${server_env[@]}" "${server_cpu[@]}" dotnet "$work/soapcore/ChatPresence.SoapCorePeer.dll" "$work/dir-$users.tsv" "$port" >"$work/$kind-$users.log" 2>&1 & ;;
  esac
  pid=$!
  started+=("$pid")
  wait_http "http://127.0.0.1:$port/" 120 || { broke "$kind did not start ($(tail -3 "$work/$kind-$users.log"))"; return 1; }
  soap_post "http://127.0.0.1:$port" Chat GetChatPresence "$work/get11.xml" -o "$work/$kind-$users-reply.xml"
  expect_users "$kind-$users" "$work/$kind-$users-reply.xml" "$users" || true
  peers[$kind-$users]="http://127.0.0.1:$port"
  peer_pids[$kind-$users]="$pid"
}

# read_load NAME USERS KIND URL BODY [ENCODING]: one wrk run of a read; KIND soap (1.1 GetChatPresence, BODY the
# request file) or json (GET /api/v1/Presence/GetAll, BODY the ticket)
read_load() {
  local name="$1" users="$2" kind="$3" url="$4" body="$5" enc="${6:-}" extra=""
  [ -z "$enc" ] || extra="|Accept-Encoding: $enc"
  if [ "$kind" = soap ]; then
    load "$name" "$users" "$url/Remote/Services86/Chat.svc" \
      "WRK_HEADERS=Content-Type: text/xml; charset=utf-8|SOAPAction: \"$ns/Chat/GetChatPresence\"$extra" "WRK_BODY=$body"
  else
    load "$name" "$users" "$url/api/v1/Presence/GetAll" WRK_METHOD=GET "WRK_HEADERS=Authorization: SoTicket $body$extra"
  fi
}

# alternate PAIR USERS "A" "B": A and B are read_load arguments after NAME USERS. Both are warmed up, then measured
# in $rounds alternating rounds; fact[ratio-PAIR] is the median of the A/B ratios, fact[spread-PAIR] min-max,
# fact[rps-PAIR] the median req/s of each.
alternate() {
  local pair="$1" users="$2" a="$3" b="$4" r ratios=() as=() bs=()
  # shellcheck disable=SC2086 # the specs are word lists
  { warming=1; read_load "$pair-warm-a" "$users" $a; read_load "$pair-warm-b" "$users" $b; warming=0; }
  for r in $(seq 1 "$rounds"); do
    # shellcheck disable=SC2086
    read_load "$pair-a$r" "$users" $a
    # shellcheck disable=SC2086
    read_load "$pair-b$r" "$users" $b
    ratios+=("$(ratio "${rps[$pair-a$r]}" "${rps[$pair-b$r]}")"); as+=("${rps[$pair-a$r]}"); bs+=("${rps[$pair-b$r]}")
  done
  fact[ratio-$pair]="$(median "${ratios[@]}")"
  fact[spread-$pair]="$(printf '%s\n' "${ratios[@]}" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }')"
  fact[rps-$pair]="$(median "${as[@]}") vs $(median "${bs[@]}") req/s"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# USERS: the host (steady and cold) against the ceilings (identity and gzip bytes) and the peers
compare_at() {
  local users="$1" steady cold kind
  if [ "$users" = 50 ]; then steady=steady50; else steady="steady$users"; start_get_host "$steady" "$users" || return 0; fi
  cold="cold$users"
  start_get_host "$cold" "$users" ChatPresence__Soap__ReplyCacheEntries=0 ChatPresence__Rest__ReplyCacheEntries=1 || return 0
  capture "$steady" "$users"
  start_ceiling "ceiling-soap-$users" "$work/bytes-soap-$users-identity" "$work/bytes-soap-$users-identity.headers" || return 0
  start_ceiling "ceiling-soap-gzip-$users" "$work/bytes-soap-$users-gzip" "$work/bytes-soap-$users-gzip.headers" gzip || return 0
  local s="${hosts[$steady]}" c="${hosts[$cold]}" sb="$work/get11-$steady.xml" cb="$work/get11-$cold.xml"
  alternate "soap-$users" "$users" "soap $s $sb" "soap ${ceilings[ceiling-soap-$users]} $sb"
  alternate "soap-gzip-$users" "$users" "soap $s $sb gzip" "soap ${ceilings[ceiling-soap-gzip-$users]} $sb gzip"
  alternate "soap-cold-$users" "$users" "soap $c $cb" "soap ${ceilings[ceiling-soap-$users]} $sb"
  if [ "$users" = 50 ]; then
    start_ceiling "ceiling-json-50" "$work/bytes-json-50-identity" "$work/bytes-json-50-identity.headers" || return 0
    alternate "json-50" 50 "json $s $rest_ticket" "json ${ceilings[ceiling-json-50]} x"
  fi
  for kind in gsoap soapcore node-soap; do
    [ "${BENCH_PEERS:-1}" != 0 ] || continue
    [ "$kind" != soapcore ] || [ -f bench/peers/soapcore/ChatPresence.SoapCorePeer.csproj ] || continue
    start_peer "$kind" "$users" || continue
    alternate "$kind-$users" "$users" "soap $s $sb" "soap ${peers[$kind-$users]} $sb"
    [ "$kind" = node-soap ] || alternate "$kind-cold-$users" "$users" "soap $c $cb" "soap ${peers[$kind-$users]} $sb"
    stop "${peer_pids[$kind-$users]}"
  done
  local n
  for n in "${!ceiling_pids[@]}"; do stop "${ceiling_pids[$n]}"; done
  for n in "${!host_pids[@]}"; do stop "${host_pids[$n]}"; done
  ceiling_pids=(); host_pids=()
}

# The cost of metrics: steady SOAP GetChatPresence, 50 users, on two hosts of the same directory, one as shipped
# (meter listened to, /metrics served) and one with metrics off entirely (no meter provider: every instrument call
# is a flag check). Self-contained: its own hosts, stopped at the end.
metrics_cost() {
  start_get_host metrics-on 50 || return 0
  start_get_host metrics-off 50 ChatPresence__Telemetry__PrometheusEnabled=false ChatPresence__Telemetry__MetricsEnabled=false || return 0
  curl -sf -o /dev/null "${hosts[metrics-on]}/metrics" || broke "metrics-on: /metrics not served"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "${hosts[metrics-off]}/metrics")" = 404 ] || broke "metrics-off: /metrics still served"
  alternate metrics-50 50 "soap ${hosts[metrics-on]} $work/get11-metrics-on.xml" "soap ${hosts[metrics-off]} $work/get11-metrics-off.xml"
  local n
  for n in metrics-on metrics-off; do stop "${host_pids[$n]}"; unset "hosts[$n]" "host_pids[$n]"; done
}

# The big directory: time to first and last byte of GetChatPresence, and the host's peak RSS.
scale() {
  say "host, $scale_users users (scale)"
  start_host "scale" "$scale_users" || return 0
  local ticket; ticket="$(login "$host_url" admin)"
  requests_for "$ticket"
  local i timing
  for i in 1 2 3; do
    timing="$(soap_post "$host_url" Chat GetChatPresence "$work/get11.xml" -o "$work/scale-reply.xml" -w '%{time_starttransfer} %{time_total} %{size_download}')"
    fact[scale-ttfb-$i]="$(awk '{ printf "%.0f", $1 * 1000 }' <<<"$timing")"
    fact[scale-ttlb-$i]="$(awk '{ printf "%.0f", $2 * 1000 }' <<<"$timing")"
    fact[scale-bytes]="$(awk '{ print $3 }' <<<"$timing")"
  done
  expect_users "scale" "$work/scale-reply.xml" "$scale_users" || true
  fact[scale-hwm-mb]="$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$host_pid/status")"
  stop "$host_pid"
}

# 32 clients saving their own presence; then SIGKILL, restart, and check every acknowledged save.
durable() {
  say "durable saves, $durable_clients clients"
  start_host durable 50 || return 0
  local seconds="$duration"
  "${load_cpu[@]}" dotnet "$work/driver/ChatPresence.LoadDriver.dll" save "$host_url" "$durable_clients" "$seconds" "$work/acks.tsv" \
    >"$work/durable.txt" 2>&1 || broke "durable saves: driver failed ($(tail -3 "$work/durable.txt"))"
  stop "$host_pid" KILL
  start_host durable 50 || return 0
  dotnet "$work/driver/ChatPresence.LoadDriver.dll" verify "$host_url" "$work/acks.tsv" >>"$work/durable.txt" 2>&1 ||
    broke "durable saves: acknowledged saves missing after restart ($(grep -c LOST "$work/durable.txt" || true) lost)"
  stop "$host_pid"
  local line; line="$(grep '^RESULT durable-saves' "$work/durable.txt" || true)"
  fact[durable-per-second]="$(sed -nE 's/.* per_second=([0-9]+).*/\1/p' <<<"$line")"
  fact[durable-p50]="$(sed -nE 's/.* p50_ms=([0-9.]+).*/\1/p' <<<"$line")"
  fact[durable-p99]="$(sed -nE 's/.* p99_ms=([0-9.]+).*/\1/p' <<<"$line")"
  fact[durable-saves]="$(sed -nE 's/.* saves=([0-9]+).*/\1/p' <<<"$line")"
  fact[durable-lost]="$(sed -nE 's/.* lost=([0-9]+).*/\1/p' <<<"$(grep '^RESULT durable-check' "$work/durable.txt" || true)")"
}

# Allocations per cold GetChatPresence, from the BenchmarkDotNet project (another part of the repo).
allocations() {
  [ -f bench/ChatPresence.Bench/ChatPresence.Bench.csproj ] || return 0
  say "allocations (bench/ChatPresence.Bench)"
  local args=(); [ "$smoke" = 0 ] || args=(--smoke)
  dotnet run -c Release --project bench/ChatPresence.Bench -- "${args[@]}" >"$work/alloc.txt" 2>&1 ||
    { broke "bench/ChatPresence.Bench failed ($(tail -3 "$work/alloc.txt"))"; return 0; }
  fact[alloc-50]="$(sed -nE 's/^RESULT alloc-cold-get-50 ([0-9]+).*/\1/p' "$work/alloc.txt")"
  fact[alloc-5000]="$(sed -nE 's/^RESULT alloc-cold-get-5000 ([0-9]+).*/\1/p' "$work/alloc.txt")"
  [ -n "${fact[alloc-50]}" ] && [ -n "${fact[alloc-5000]}" ] || broke "bench/ChatPresence.Bench printed no RESULT lines"
}

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

# target TEXT OK(1/0/empty) DETAIL
target() {
  local verdict=PASS
  if [ -z "$2" ]; then verdict="NOT RUN"; elif [ "$2" != 1 ]; then verdict=FAIL; fi
  printf '%-7s %s: %s\n' "$verdict" "$1" "$3"
}
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-") print ""; else print (a + 0 >= b + 0) ? 1 : 0 }'; }
at_most() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-") print ""; else print (a + 0 <= b + 0) ? 1 : 0 }'; }
times() { awk -v a="$1" -v k="$2" 'BEGIN { printf "%.0f", a * k }'; }

# ratio_target TEXT PAIR MINIMUM: the median of the pair's alternating rounds, with its spread
ratio_target() {
  local r="${fact[ratio-$2]:-}"
  if [ -z "$r" ]; then target "$1" "" "not measured"; return; fi
  target "$1" "$(at_least "$r" "$3")" "median $r x over $rounds round(s) (spread ${fact[spread-$2]}; ${fact[rps-$2]})"
}

# bytes_target TEXT KIND USERS N: gzip bytes <= identity / N (deterministic: the same on any machine)
bytes_target() {
  local identity="${fact[bytes-$2-$3-identity]:-}" gzip="${fact[bytes-$2-$3-gzip]:-}" br="${fact[bytes-$2-$3-br]:-}"
  if [ -z "$identity" ] || [ -z "$gzip" ]; then target "$1" "" "not measured"; return; fi
  target "$1" "$(at_most "$(awk -v g="$gzip" -v n="$4" 'BEGIN { print g * n }')" "$identity")"     "$gzip of $identity bytes = 1/$(awk -v i="$identity" -v g="$gzip" 'BEGIN { printf "%.0f", i / g }') (br: $br bytes = 1/$(awk -v i="$identity" -v b="${br:-0}" 'BEGIN { if (b > 0) printf "%.0f", i / b; else print "?" }'))"
}

report() {
  local n
  echo
  printf 'machine: %s cores, %s MB memory; load average before/after: %s / %s\n' "$(nproc)" \
    "$(awk '/MemTotal/ { printf "%.0f", $2 / 1024 }' /proc/meminfo)" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'wrk: 1 thread, %s connections, %s s per scenario (%s s for 5,000 users); pinned: %s\n' \
    "$connections" "$duration" "$slow_duration" "${server_cpu[*]:+server on core 0, load on core 1}"
  printf 'method: each compared pair warmed up %s s each, then %s alternating round(s) (A, B, A, B, ...); ratio = median of the round ratios (spread min-max)\n' \
    "$warmup" "$rounds"
  printf '%-26s %7s %10s %9s %9s %7s\n' scenario users 'req/s' 'p50 ms' 'p99 ms' errors
  for n in "${order[@]}"; do
    printf '%-26s %7s %10s %9s %9s %7s\n' "$n" "${users_of[$n]}" "${rps[$n]}" "${p50[$n]}" "${p99[$n]}" "${errs[$n]}"
  done
  echo
  printf 'scale, %s users: first byte %s ms, last byte %s ms (%s bytes); again: %s/%s ms, %s/%s ms; host peak RSS %s MB\n' \
    "$scale_users" "${fact[scale-ttfb-1]:-?}" "${fact[scale-ttlb-1]:-?}" "${fact[scale-bytes]:-?}" \
    "${fact[scale-ttfb-2]:-?}" "${fact[scale-ttlb-2]:-?}" "${fact[scale-ttfb-3]:-?}" "${fact[scale-ttlb-3]:-?}" "${fact[scale-hwm-mb]:-?}"
  printf 'durable saves, %s clients: %s acknowledged (%s/s), p50 %s ms, p99 %s ms; lost after SIGKILL + restart: %s\n' \
    "$durable_clients" "${fact[durable-saves]:-?}" "${fact[durable-per-second]:-?}" "${fact[durable-p50]:-?}" "${fact[durable-p99]:-?}" "${fact[durable-lost]:-?}"
  if [ -n "${fact[alloc-50]:-}" ]; then
    printf 'allocated per cold SOAP GetChatPresence: %s B (50 users, %s B/user), %s B (5,000 users, %s B/user; %s B per added user)\n' \
      "${fact[alloc-50]}" "$(awk -v a="${fact[alloc-50]}" 'BEGIN { printf "%.0f", a / 50 }')" \
      "${fact[alloc-5000]}" "$(awk -v a="${fact[alloc-5000]}" 'BEGIN { printf "%.0f", a / 5000 }')" \
      "$(awk -v a="${fact[alloc-50]}" -v b="${fact[alloc-5000]}" 'BEGIN { printf "%.0f", (b - a) / 4950 }')"
  else
    echo 'allocated per cold SOAP GetChatPresence: not run (bench/ChatPresence.Bench is absent or failed)'
  fi
  echo
  [ "$smoke" = 0 ] || echo "(smoke run: the figures are too short to mean anything; the verdicts below are printed for form)"

  printf 'bytes per GetChatPresence (SOAP 1.1) / GetAll (JSON), identity / gzip / br:\n'
  local users kind
  for users in 50 5000; do
    for kind in soap json; do
      printf '  %-4s %5s users: %s / %s / %s\n' "$kind" "$users" "${fact[bytes-$kind-$users-identity]:-?}" \
        "${fact[bytes-$kind-$users-gzip]:-?}" "${fact[bytes-$kind-$users-br]:-?}"
    done
  done
  echo
  bytes_target "SOAP GetChatPresence 5,000 users, gzip bytes <= 1/50 of identity" soap 5000 50
  bytes_target "REST GetAll JSON 5,000 users, gzip bytes <= 1/30 of identity" json 5000 30
  bytes_target "REST GetAll JSON 50 users, gzip bytes <= 1/30 of identity" json 50 30
  ratio_target "SOAP GetChatPresence 50 users steady >= 0.8 x ceiling" soap-50 0.8
  ratio_target "SOAP GetChatPresence 5,000 users steady >= 0.8 x ceiling" soap-5000 0.8
  ratio_target "SOAP GetChatPresence gzip 50 users steady >= 0.8 x gzip ceiling" soap-gzip-50 0.8
  ratio_target "SOAP GetChatPresence gzip 5,000 users steady >= 0.8 x gzip ceiling" soap-gzip-5000 0.8
  ratio_target "REST GetAll JSON 50 users steady >= 0.8 x ceiling (JSON bytes)" json-50 0.8
  ratio_target "SOAP GetChatPresence 50 users cold (ReplyCacheEntries=0) >= 0.7 x ceiling" soap-cold-50 0.7
  ratio_target "SOAP GetChatPresence 5,000 users cold (ReplyCacheEntries=0) >= 0.5 x ceiling" soap-cold-5000 0.5
  ratio_target "SOAP GetChatPresence 50 users steady, metrics on >= 0.95 x metrics off" metrics-50 0.95
  for users in 50 5000; do
    ratio_target "SOAP GetChatPresence $users users steady >= 5 x SoapCore" "soapcore-$users" 5
    ratio_target "SOAP GetChatPresence $users users cold >= 5 x SoapCore" "soapcore-cold-$users" 5
    ratio_target "SOAP GetChatPresence $users users steady >= 2 x gSOAP (threaded)" "gsoap-$users" 2
    ratio_target "SOAP GetChatPresence $users users cold >= 1 x gSOAP (threaded)" "gsoap-cold-$users" 1
    ratio_target "SOAP GetChatPresence $users users steady >= 5 x node-soap" "node-soap-$users" 5
  done
  if [ -n "${fact[alloc-50]:-}" ]; then
    target "allocated per cold SOAP GetChatPresence (50 users) <= 16 KB" "$(at_most "${fact[alloc-50]}" 16384)" \
      "${fact[alloc-50]} B = $(ratio "${fact[alloc-50]}" 16384) x 16 KB"
    # Constant per-user growth: the bytes per user at 5,000 are no more than at 50 (no superlinear term).
    target "allocation per user constant (5,000 vs 50 users)" \
      "$(at_most "$(awk -v a="${fact[alloc-5000]}" 'BEGIN { print a / 5000 }')" "$(awk -v a="${fact[alloc-50]}" 'BEGIN { print a / 50 }')")" \
      "$(awk -v a="${fact[alloc-5000]}" 'BEGIN { printf "%.0f", a / 5000 }') B/user at 5,000 vs $(awk -v a="${fact[alloc-50]}" 'BEGIN { printf "%.0f", a / 50 }') B/user at 50"
  else
    target "allocated per cold SOAP GetChatPresence (50 users) <= 16 KB" "" "bench/ChatPresence.Bench absent"
    target "allocation per user constant (5,000 vs 50 users)" "" "bench/ChatPresence.Bench absent"
  fi
  target "$scale_users users: first byte <= 200 ms" "$(at_most "${fact[scale-ttfb-1]:-}" 200)" \
    "${fact[scale-ttfb-1]:-?} ms = $(ratio "${fact[scale-ttfb-1]:-0}" 200) x (first call after start; later calls ${fact[scale-ttfb-2]:-?}, ${fact[scale-ttfb-3]:-?} ms)"
  target "$scale_users users: host peak RSS <= 300 MB" "$(at_most "${fact[scale-hwm-mb]:-}" 300)" \
    "${fact[scale-hwm-mb]:-?} MB = $(ratio "${fact[scale-hwm-mb]:-0}" 300) x"
  target ">= 3,000 acknowledged durable saves/s at $durable_clients clients" "$(at_least "${fact[durable-per-second]:-}" 3000)" \
    "${fact[durable-per-second]:-?}/s = $(ratio "${fact[durable-per-second]:-0}" 3000) x"
  target "durable saves p99 <= 50 ms" "$(at_most "${fact[durable-p99]:-}" 50)" "${fact[durable-p99]:-?} ms = $(ratio "${fact[durable-p99]:-0}" 50) x"
  streams_report
  scaleout_report
  tenants_report
  echo
  if [ ${#broken[@]} -gt 0 ]; then
    printf 'BROKEN: %s\n' "${broken[@]}"
    echo "bench: ${#broken[@]} broken scenario(s)"
    return 1
  fi
  echo "bench: every scenario ran and answered correctly"
}

# ---------------------------------------------------------------- run
# The presence stream scenario lives in bench/streams.sh, the scale-out one (PostgreSQL) in bench/scaleout.sh;
# BENCH_ONLY=streams or scaleout (bash bench/streams.sh, bash bench/scaleout.sh) runs one alone. BENCH_ONLY=compare
# runs the host against the ceilings and peers at 50 and 5,000 users and the metrics cost, nothing else
# (BENCH_PEERS=0: the ceilings only); the verdicts of the scenarios it skips say NOT RUN. BENCH_ONLY=tenants runs
# bench/tenants.sh (100 tenants x 50 users against one host of 50 users) alone.
. bench/streams.sh
. bench/scaleout.sh
. bench/tenants.sh
case "${BENCH_ONLY:-}" in
  streams | scaleout | tenants)
    load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
    # tenants: the host only; streams and scale-out: the host and the load driver, all either needs
    if [ "$BENCH_ONLY" = tenants ]; then tenants_build; else streams_build; fi
    "${BENCH_ONLY}_scenario"
    echo
    printf 'load average before/after: %s / %s\n' "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
    "${BENCH_ONLY}_report"
    [ ${#broken[@]} -eq 0 ] || { printf 'BROKEN: %s\n' "${broken[@]}"; exit 1; }
    exit 0
    ;;
esac
[ "${BENCH_SKIP_INSTALL:-}" = 1 ] || install_prerequisites
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
build
host_scenarios_50
compare_at 50
compare_at 5000
metrics_cost
if [ "${BENCH_ONLY:-}" != compare ]; then
  scale
  durable
  allocations
  streams_scenario
  scaleout_scenario
  tenants_scenario
fi
report
