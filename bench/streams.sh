#!/usr/bin/env bash
# The presence stream scenario (issue 15), sourced by bench/run.sh. Run alone:
#   bash bench/streams.sh [--smoke]     (= BENCH_ONLY=streams bash bench/run.sh [--smoke]: builds the host and the
#                                        driver only, runs this scenario only, prints its lines)
# Open N streams (10,000; --smoke 200) on one host, one save → when each stream reads its `presence` event; the
# host's RSS before/with the streams and its peak; then the host's CPU per minute with the streams open and a save
# every few seconds, against a fresh host polled with GetAll at N/15 req/s (N agents every 15 s). See bench/README.md.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  BENCH_ONLY=streams exec bash "$(dirname "$0")/run.sh" "$@"
fi

if [ "$smoke" = 1 ]; then
  stream_count=200; stream_cpu_seconds=6; stream_save_every=2
else
  stream_count=10000; stream_cpu_seconds=60; stream_save_every=5
fi
stream_count="${STREAM_COUNT:-$stream_count}"; stream_cpu_seconds="${STREAM_CPU_SECONDS:-$stream_cpu_seconds}"
stream_users="${STREAM_USERS:-100}"  # the directory: admin + agents; 64 of them log in and share the streams
stream_save_user="$stream_users"     # admin toggles the last agent's Present

streams_build() { # only what this scenario needs (BENCH_ONLY=streams)
  say "building host and load driver (Release)"
  local project
  for project in src/ChatPresence.Host:host bench/ChatPresence.LoadDriver:driver; do
    dotnet publish "${project%%:*}" -c Release -o "$work/${project##*:}" -nologo -v q >"$work/publish-${project##*:}.log" 2>&1 ||
      { cat "$work/publish-${project##*:}.log"; exit 1; }
  done
}

# Each stream is one socket on the host and one in the driver (same user, same limit): raise the soft limit to
# the hard one; ports: each stream takes an ephemeral port of 127.0.0.1.
streams_limits() {
  local need=$((stream_count + 1024)) ports
  [ "$(ulimit -n)" -ge "$need" ] || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  fact[stream-nofile]="$(ulimit -n)"
  if [ "${fact[stream-nofile]}" != unlimited ] && [ "${fact[stream-nofile]}" -lt "$need" ]; then
    broke "streams: open-file limit ${fact[stream-nofile]} < $need (raise the hard limit: ulimit -Hn, /etc/security/limits.conf or LimitNOFILE=)"
    return 1
  fi
  ports="$(awk '{ print $2 - $1 + 1 }' /proc/sys/net/ipv4/ip_local_port_range)"
  [ "$ports" -ge "$need" ] || { broke "streams: only $ports ephemeral ports (net.ipv4.ip_local_port_range)"; return 1; }
}

streams_scenario() {
  say "presence streams: $stream_count streams, $stream_users users"
  streams_limits || return 0
  start_host streams "$stream_users" || return 0
  "${load_cpu[@]}" dotnet "$work/driver/ChatPresence.LoadDriver.dll" streams "$host_url" "$host_pid" "$stream_count" \
    "$stream_save_user" "$stream_cpu_seconds" "$stream_save_every" >"$work/streams.txt" 2>"$work/streams.err" ||
    broke "streams: driver failed or streams missed events ($(grep -h -e '^RESULT' -e 'xception' "$work/streams.txt" "$work/streams.err" | tail -4 | tr '\n' ' '))"
  stop "$host_pid"

  say "polling it replaces: GetAll at $stream_count/15 req/s"
  start_host streams-poll "$stream_users" || return 0
  local rate; rate="$(awk -v n="$stream_count" 'BEGIN { printf "%.1f", n / 15 }')"
  "${load_cpu[@]}" dotnet "$work/driver/ChatPresence.LoadDriver.dll" poll "$host_url" "$host_pid" "$rate" "$stream_cpu_seconds" \
    >"$work/streams-poll.txt" 2>&1 || broke "streams: polling driver failed ($(tail -3 "$work/streams-poll.txt" | tr '\n' ' '))"
  stop "$host_pid"

  local field line
  for field in open:without_snapshot open:seconds open:snapshot_bytes fanout:received fanout:missed fanout:p50_ms fanout:p99_ms fanout:max_ms \
    memory:rss_before_mb memory:rss_with_mb memory:per_stream_kb memory:peak_rss_mb cpu:saves cpu:cpu_seconds_per_minute \
    poll:per_second poll:errors poll:cpu_seconds_per_minute; do
    line="$(grep -h "^RESULT stream-${field%%:*} " "$work/streams.txt" "$work/streams-poll.txt" 2>/dev/null || true)"
    fact[stream-${field%%:*}-${field##*:}]="$(sed -nE "s/.* ${field##*:}=([0-9.]+).*/\\1/p" <<<"$line")"
  done
}

streams_report() {
  printf 'streams: %s streams (%s users, 64 callers sharing them; open files %s), snapshots (%s bytes each at most) in %s s (%s without); one SOAP save: %s of them got the event, p50 %s ms, p99 %s ms, max %s ms\n' \
    "$stream_count" "$stream_users" "${fact[stream-nofile]:-?}" "${fact[stream-open-snapshot_bytes]:-?}" "${fact[stream-open-seconds]:-?}" "${fact[stream-open-without_snapshot]:-?}" \
    "${fact[stream-fanout-received]:-?}" "${fact[stream-fanout-p50_ms]:-?}" "${fact[stream-fanout-p99_ms]:-?}" "${fact[stream-fanout-max_ms]:-?}"
  printf 'streams: host RSS %s MB before, %s MB with the streams = %s KB per stream; peak RSS (VmHWM) %s MB\n' \
    "${fact[stream-memory-rss_before_mb]:-?}" "${fact[stream-memory-rss_with_mb]:-?}" "${fact[stream-memory-per_stream_kb]:-?}" "${fact[stream-memory-peak_rss_mb]:-?}"
  printf 'streams vs polling, host CPU seconds per minute: %s with %s streams open and a save every %s s (%s saves) vs %s polling GetAll at %s req/s (%s errors), over %s s each\n' \
    "${fact[stream-cpu-cpu_seconds_per_minute]:-?}" "$stream_count" "$stream_save_every" "${fact[stream-cpu-saves]:-?}" \
    "${fact[stream-poll-cpu_seconds_per_minute]:-?}" "${fact[stream-poll-per_second]:-?}" "${fact[stream-poll-errors]:-?}" "$stream_cpu_seconds"
  target "$stream_count presence streams: fan-out p99 <= 1 s" "$(at_most "${fact[stream-fanout-p99_ms]:-}" 1000)" \
    "${fact[stream-fanout-p99_ms]:-?} ms = $(ratio "${fact[stream-fanout-p99_ms]:-0}" 1000) x"
  target "$stream_count presence streams: host peak RSS <= 400 MB" "$(at_most "${fact[stream-memory-peak_rss_mb]:-}" 400)" \
    "${fact[stream-memory-peak_rss_mb]:-?} MB = $(ratio "${fact[stream-memory-peak_rss_mb]:-0}" 400) x"
}
