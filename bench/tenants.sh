#!/usr/bin/env bash
# The tenants scenario (issue 17), sourced by bench/run.sh. Run alone:
#   bash bench/tenants.sh [--smoke]     (= BENCH_ONLY=tenants bash bench/run.sh [--smoke]: builds the host only)
# One host serving TENANT_COUNT tenants (100; --smoke 10) of 50 users each, every tenant polled (REST GetAll, the
# requests rotating over the tenants), against one host serving the same 50 users without tenants: req/s in
# alternating rounds, and the host's RSS per tenant. See bench/README.md.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  BENCH_ONLY=tenants exec bash "$(dirname "$0")/run.sh" "$@"
fi

if [ "$smoke" = 1 ]; then tenant_count=10; else tenant_count=100; fi
tenant_count="${TENANT_COUNT:-$tenant_count}"
tenant_basic="Authorization: Basic YWRtaW46YWRtaW4=" # admin:admin, remembered per tenant after its first call

tenants_build() { # only what this scenario needs (BENCH_ONLY=tenants)
  say "building host (Release)"
  dotnet publish src/ChatPresence.Host -c Release -o "$work/host" -nologo -v q >"$work/publish-host.log" 2>&1 ||
    { cat "$work/publish-host.log"; exit 1; }
}

rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

tenants_scenario() {
  say "tenants: $tenant_count tenants x 50 users, every tenant polled, vs one host of 50 users"
  start_host tenants-one 50 || return 0
  local one_url="$host_url" one_pid="$host_pid"
  local tenant_env=() i
  for i in $(seq 1 "$tenant_count"); do tenant_env+=("ChatPresence__Tenants__T${i}__InitialDirectory=$work/dir-50.json"); done
  start_host tenants-many 50 "${tenant_env[@]}" || { stop "$one_pid"; return 0; }
  local many_url="$host_url" many_pid="$host_pid"
  fact[tenants-rss-empty]="$(rss_mb "$many_pid")"
  for i in $(seq 1 "$tenant_count"); do # each tenant's store is created, migrated and loaded on its first request
    curl -sS -o "$work/tenant-first.json" -H "$tenant_basic" "$many_url/T$i/api/v1/Presence/GetAll" &&
      expect_users "tenant T$i" "$work/tenant-first.json" 50 || { stop "$one_pid"; stop "$many_pid"; return 0; }
  done

  # Both sides get the same requests from the same wrk script path (/T1 … /TN in turn): the host without tenants
  # accepts any segment and ignores it, so only the host's tenant configuration differs, not the load generator's work.
  local spec_one=("$one_url/api/v1/Presence/GetAll" WRK_METHOD=GET "WRK_HEADERS=$tenant_basic" "WRK_TENANTS=$tenant_count")
  local spec_many=("$many_url/api/v1/Presence/GetAll" WRK_METHOD=GET "WRK_HEADERS=$tenant_basic" "WRK_TENANTS=$tenant_count")
  { warming=1; load tenants-warm-one 50 "${spec_one[@]}"; load tenants-warm-many 50 "${spec_many[@]}"; warming=0; }
  local r ratios=() as=() bs=()
  for r in $(seq 1 "$rounds"); do
    load "tenants-many$r" 50 "${spec_many[@]}"
    load "tenants-one$r" 50 "${spec_one[@]}"
    ratios+=("$(ratio "${rps[tenants-many$r]}" "${rps[tenants-one$r]}")"); as+=("${rps[tenants-many$r]}"); bs+=("${rps[tenants-one$r]}")
  done
  fact[ratio-tenants]="$(median "${ratios[@]}")"
  fact[spread-tenants]="$(printf '%s\n' "${ratios[@]}" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }')"
  fact[rps-tenants]="$(median "${as[@]}") vs $(median "${bs[@]}") req/s"
  fact[tenants-rss-one]="$(rss_mb "$one_pid")"
  fact[tenants-rss-many]="$(rss_mb "$many_pid")"
  stop "$one_pid"
  stop "$many_pid"
}

tenants_report() {
  printf 'tenants: host RSS %s MB with %s tenants of 50 users (%s MB before any was opened) vs %s MB for one host of 50 users = %s MB per tenant\n' \
    "${fact[tenants-rss-many]:-?}" "$tenant_count" "${fact[tenants-rss-empty]:-?}" "${fact[tenants-rss-one]:-?}" \
    "$(awk -v m="${fact[tenants-rss-many]:-0}" -v o="${fact[tenants-rss-one]:-0}" -v n="$tenant_count" 'BEGIN { printf "%.2f", (m - o) / n }')"
  ratio_target "REST GetAll, $tenant_count tenants x 50 users, every tenant polled >= 0.8 x one tenant" tenants 0.8
}
