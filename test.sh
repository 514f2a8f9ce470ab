#!/usr/bin/env bash
# The one test command: installs what the tests need when it is missing (Debian packages, npm packages into the
# repository's own folders), starts PostgreSQL and creates its test role, then runs `dotnet test ChatPresence.sln`
# and closes with one line: `tests: N passed, N failed, N skipped`.
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter "FullyQualifiedName~Wsdl").
# Where something cannot be installed (no apt-get, not root and no sudo) it says what is missing and how to get
# it, and exits 2 before running any test.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '== %s\n' "$*" >&2; }
fail_setup() { printf 'test.sh: %s\n' "$@" >&2; exit 2; }

# ---------------------------------------------------------------- tools the tests drive
# Each line: Debian package, then the check that says it is usable.
missing=()
need() { local pkg=$1; shift; "$@" >/dev/null 2>&1 || missing+=("$pkg"); }
need python3-zeep /usr/bin/python3 -c 'import zeep'   # the tests run Debian's python3, not a pyenv one
need php-cli command -v php
need php-soap php -r 'exit(class_exists("SoapClient") ? 0 : 1);'
need wrk command -v wrk
need chromium command -v chromium
need gsoap command -v soapcpp2
need libgsoap-dev test -f /usr/include/stdsoap2.h
# PostgreSQL: not needed when CHATPRESENCE_TEST_POSTGRES names a server, or the test role already logs in.
pg_ready() { PGPASSWORD=chatpresence PGCONNECT_TIMEOUT=3 psql -qtAX -h 127.0.0.1 -U chatpresence -d postgres -c 'select 1' >/dev/null 2>&1; }
pg_needed=0
[ -n "${CHATPRESENCE_TEST_POSTGRES:-}" ] || pg_ready || pg_needed=1
[ "$pg_needed" = 0 ] || need postgresql command -v pg_ctlcluster

# Not from apt: the .NET SDK, and node + npm (NodeSource's nodejs carries npm; Debian's npm package conflicts with it).
command -v dotnet >/dev/null 2>&1 \
  || fail_setup "the .NET SDK is missing (global.json asks for $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' global.json), rollForward latestFeature)." \
                "Get it from https://dotnet.microsoft.com/download or: curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  fail_setup "node and npm are missing (node-soap and the OpenAPI validator run on them)." \
             "Install NodeSource's nodejs (it includes npm): curl -fsSL https://deb.nodesource.com/setup_22.x | bash - && apt-get install -y nodejs" \
             "(do not apt-install Debian's npm package beside it: the two conflict)."
fi

if [ ${#missing[@]} -gt 0 ]; then
  as_root=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root="sudo"; else as_root="none"; fi
  fi
  if ! command -v apt-get >/dev/null 2>&1 || [ "$as_root" = "none" ]; then
    why="no apt-get on this machine"; command -v apt-get >/dev/null 2>&1 && why="not root and no password-less sudo"
    fail_setup "missing: ${missing[*]} ($why)." \
               "On Debian/Ubuntu, as root: apt-get update && apt-get install -y ${missing[*]}" \
               "Elsewhere install the equivalents (python zeep, PHP with the soap extension, wrk, chromium, gSOAP and its headers, PostgreSQL)," \
               "or point CHATPRESENCE_TEST_POSTGRES at a PostgreSQL server you already have. Then run ./test.sh again."
  fi
  say "installing ${missing[*]}"
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---------------------------------------------------------------- PostgreSQL for the Postgres store's tests
# Unless CHATPRESENCE_TEST_POSTGRES names another server: the Debian cluster, started by hand (no systemd here),
# and the role the tests log in as (kept when it exists). Nothing to do when the role already logs in.
if [ "$pg_needed" = 1 ]; then
  as_root=""; as_postgres="runuser -u postgres --"
  if [ "$(id -u)" -ne 0 ]; then
    sudo -n true 2>/dev/null || fail_setup "PostgreSQL is not answering as role chatpresence on 127.0.0.1:5432, and starting it needs root." \
      "As root: pg_ctlcluster <version> main start, then create the role (see the README, \"Test it\"); or set CHATPRESENCE_TEST_POSTGRES."
    as_root="sudo -n"; as_postgres="sudo -n -u postgres"
  fi
  # The newest installed cluster named main (pg_lsclusters: version, cluster, port, status, …).
  version=$(pg_lsclusters --no-header 2>/dev/null | awk '$2 == "main" { v = $1 } END { print v }')
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    say "creating PostgreSQL $version cluster main"
    $as_root pg_createcluster "$version" main >/dev/null
  fi
  $as_root pg_ctlcluster "$version" main status >/dev/null 2>&1 || { say "starting PostgreSQL $version"; $as_root pg_ctlcluster "$version" main start; }
  (cd / && $as_postgres psql -qX -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN
      CREATE ROLE chatpresence LOGIN CREATEDB PASSWORD 'chatpresence';
    EXCEPTION WHEN duplicate_object THEN NULL; -- already exists
    END \$\$;")
fi

# ---------------------------------------------------------------- npm packages, into the repository's folders
# Every package.json under tests/ that has a lockfile, installed exactly as locked (never global).
while IFS= read -r lock; do
  dir=$(dirname "$lock")
  say "npm ci in $dir"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
done < <(find tests -name package-lock.json -not -path '*/node_modules/*' | sort)

# ---------------------------------------------------------------- the tests, then one closing line with the totals
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test ChatPresence.sln "$@" 2>&1 | tee "$log" || status=$?
awk '/(Passed|Failed)! +- +Failed:/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
