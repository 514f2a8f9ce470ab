#!/usr/bin/env bash
# Scale-out on PostgreSQL (issue 14): 1 host, then 3 hosts on one schema; CLIENTS savers + pollers through SOAP.
# Prints saves/s, p50/p99, visibility delay (ack on host 1 -> seen on host 2), database transactions per steady-state
# read, and PASS/FAIL lines. Separate from run.sh (needs PostgreSQL: CHATPRESENCE_TEST_POSTGRES or the local server).
#   bash bench/scaleout.sh           10 s per phase, 10,000 users, 32 savers + 8 pollers
#   bash bench/scaleout.sh --smoke   2 s per phase, 200 users, 4 savers + 2 pollers: checks only that it runs
# Exit status: non-zero when a phase is broken (driver failed, hosts did not start), never for a missed target.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

if [ "${1:-}" = "--smoke" ]; then seconds=2; users=200; clients=4; pollers=2; else seconds=10; users=10000; clients=32; pollers=8; fi
# A database of its own (dropped at the end): its transaction counter then counts only these hosts.
server="${CHATPRESENCE_TEST_POSTGRES:-Host=127.0.0.1;Username=chatpresence;Password=chatpresence;Database=postgres}"
bench_db="chatpresence_bench_$$"
database="${server/Database=postgres/Database=$bench_db}"
psql_url() { # Npgsql connection string -> psql keyword/value string
  tr ';' '\n' <<<"$1" | sed -E 's/^Host=/host=/; s/^Username=/user=/; s/^Password=/password=/; s/^Database=/dbname=/; s/^Port=/port=/' | tr '\n' ' '
}
psql -q "$(psql_url "$server")" -c "CREATE DATABASE $bench_db" >/dev/null
sql() { psql -q "$(psql_url "$database")" -Atc "$1"; }

work="$(mktemp -d "${TMPDIR:-/tmp}/chatpresence-scaleout.XXXXXX")"
schema="bench_$(date +%s)_$$"
started=()
cleanup() {
  local pid
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$(psql_url "$server")" -c "DROP DATABASE IF EXISTS $bench_db" >/dev/null 2>&1 || true
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
say() { printf '== %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { local deadline=$((SECONDS + $2)); until curl -s -o /dev/null "$1"; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.2; done; }

say "building (Release)"
dotnet publish src/ChatPresence.Host -c Release -o "$work/host" -nologo -v q >"$work/publish-host.log" 2>&1 || { cat "$work/publish-host.log"; exit 1; }
dotnet publish bench/ChatPresence.LoadDriver -c Release -o "$work/driver" -nologo -v q >"$work/publish-driver.log" 2>&1 || { cat "$work/publish-driver.log"; exit 1; }
python3 bench/make-directory.py "$users" "$work/dir.json"
sql "CREATE SCHEMA $schema" >/dev/null
connection="$database;Search Path=$schema;Maximum Pool Size=16"

start_hosts() { # N: sets urls (comma-separated)
  urls=""
  local i port url
  for i in $(seq 1 "$1"); do
    port="$(free_port)"; url="http://127.0.0.1:$port"
    env ASPNETCORE_URLS="$url" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
      ChatPresence__Storage=Postgres ConnectionStrings__ChatPresence="$connection" \
      ChatPresence__InitialDirectory="$work/dir.json" ChatPresence__Identity__PasswordIterations=1000 \
      dotnet "$work/host/ChatPresence.Host.dll" >>"$work/host-$1-$i.log" 2>&1 &
    started+=("$!")
    wait_http "$url/health" 300 || { tail -20 "$work/host-$1-$i.log"; exit 1; }
    urls="${urls:+$urls,}$url"
  done
}
stop_hosts() { local pid; for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; started=(); }
commits() { sql "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"; }

declare -A fact
for hosts in 1 3; do
  say "$hosts host(s): $clients savers + $pollers pollers, $seconds s"
  start_hosts "$hosts"
  dotnet "$work/driver/ChatPresence.LoadDriver.dll" scaleout "$urls" "$clients" "$pollers" "$seconds" >"$work/run-$hosts.txt" 2>&1 ||
    { cat "$work/run-$hosts.txt"; exit 1; }
  line="$(grep '^RESULT scale-out' "$work/run-$hosts.txt")"; echo "$line"
  fact[$hosts-per-second]="$(sed -nE 's/.* per_second=([0-9]+).*/\1/p' <<<"$line")"
  fact[$hosts-vis-p99]="$(sed -nE 's/.* visibility_p99_ms=([0-9.]+).*/\1/p' <<<"$line")"

  # Steady-state reads only: database transactions per read (the hosts' own background reads included).
  coproc READS { dotnet "$work/driver/ChatPresence.LoadDriver.dll" scaleout-reads "$urls" "$pollers" "$seconds"; }
  read -r ready <&"${READS[0]}"
  # PostgreSQL 15 backends report their counters when idle at most every 10 s: wait that out on both sides. The
  # hosts' background work (5-second safety reads, ticket rechecks, autovacuum) is measured over an idle window of
  # the same length first and subtracted.
  sleep 11
  idle_start="$(commits)"; sleep $((seconds + 11)); before="$(commits)"
  echo go >&"${READS[1]}"
  read -r reads_line <&"${READS[0]}"; wait "$READS_PID" || true
  sleep 11
  after="$(commits)"
  reads="$(sed -nE 's/.* reads=([0-9]+).*/\1/p' <<<"$reads_line")"
  fact[$hosts-trips]="$(python3 -c "print(f'{max(0, ($after - $before) - ($before - $idle_start)) / max(1, $reads):.4f}')")"
  echo "RESULT scale-out-reads hosts=$hosts reads=$reads transactions=$((after - before)) idle_baseline=$((before - idle_start)) per_read=${fact[$hosts-trips]}"
  stop_hosts
done

target() { printf '%s %s (%s)\n' "$2" "$1" "$3"; }
verdict() { python3 -c "print('PASS' if $1 else 'FAIL')"; }
target "3 hosts >= 0.9 x the saves/s of 1 host" "$(verdict "${fact[3-per-second]} >= 0.9 * ${fact[1-per-second]}")" "${fact[3-per-second]}/s vs ${fact[1-per-second]}/s"
target "visibility p99 <= 100 ms (3 hosts)" "$(verdict "${fact[3-vis-p99]} <= 100")" "${fact[3-vis-p99]} ms"
target "database transactions per steady-state read ~ 0 (<= 0.01, 3 hosts)" "$(verdict "${fact[3-trips]} <= 0.01")" "${fact[3-trips]}"
[ "$seconds" -lt 10 ] && echo "(smoke run: figures are not measurements)"
exit 0
