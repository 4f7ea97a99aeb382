#!/usr/bin/env bash
# Runs every test of the exchange: the whole suite on SQLite, then again on a throwaway
# PostgreSQL. Installs what the tests need when it is missing (PostgreSQL and Chromium from
# Debian's packages), starts PostgreSQL on 127.0.0.1 with its data under /tmp, and stops and
# removes it afterwards, whatever happens.
# Arguments, if any, choose what to test instead of the whole solution, e.g.
#   ./test.sh tests/Exchange.Api.Tests --filter Gates
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} from Debian's packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_data=$(mktemp -d /tmp/exchange-pg.XXXXXX)
pg_port=55432
while (exec 3<>/dev/tcp/127.0.0.1/$pg_port) 2>/dev/null; do pg_port=$((pg_port + 1)); done

# PostgreSQL refuses to run as root, so root runs it as the postgres user the package created.
pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$pg_data"

stop_postgres() {
  pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_data"
}
trap stop_postgres EXIT

pg "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust --no-sync >/dev/null
# Durability is not what a throwaway test server is for: no fsync keeps the run fast.
pg "$pg_bin/pg_ctl" -D "$pg_data" -w -l "$pg_data/server.log" \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
  start >/dev/null
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
export EXCHANGE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# No build servers outliving the run: CI waits for every process that holds its output.
export MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false DOTNET_CLI_USE_MSBUILD_SERVER=0

# The local tools (.config/dotnet-tools.json: dotnet-ef, for ./migrations.sh) come with the checkout.
dotnet tool restore >/dev/null
dotnet build Exchange.sln -c Release -nologo -v quiet -clp:ErrorsOnly

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(Exchange.sln)
results=$(mktemp -d /tmp/exchange-results.XXXXXX)
status=0
for provider in Sqlite Postgres; do
  echo "== Tests on $provider"
  EXCHANGE_TEST_PROVIDER=$provider dotnet test "${targets[@]}" -c Release --no-build -nologo \
    --results-directory "$results/$provider" 2>&1 | tee "$results/$provider.log" || status=1
done

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 15, Skipped: 0, ..."
summaries=$(grep -hE '^(Passed|Failed)! ' "$results"/*.log || true)
passed=$(echo "$summaries" | grep -oE 'Passed:[[:space:]]+[0-9]+' | awk '{s+=$2} END {print s+0}')
failed=$(echo "$summaries" | grep -oE 'Failed:[[:space:]]+[0-9]+' | awk '{s+=$2} END {print s+0}')
rm -rf "$results"
[ "$passed" -gt 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
