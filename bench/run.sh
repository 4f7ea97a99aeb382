#!/usr/bin/env bash
# The exchange's benchmark (docs/benchmarks.md): builds Release, starts a throwaway PostgreSQL with
# fsync ON (durability as in production, unlike the test server), runs bench/Exchange.Bench on it and
# then on SQLite, prints a markdown table per provider and writes JSON under bench/results/.
# Installs PostgreSQL from Debian's packages if missing. Arguments go to the tool, e.g. --smoke or
# --cases 10000,100000 or --profile; EXCHANGE_BENCH_PROVIDERS=Postgres (or Sqlite) runs one provider only.
# PostgreSQL loads pg_stat_statements, so the tool can print the statements that took the time.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

# --profile samples the Api's CPU with Linux perf (Debian's linux-perf).
if [[ " $* " == *" --profile "* ]] && ! command -v perf >/dev/null 2>&1; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-perf >/dev/null
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_data=$(mktemp -d /tmp/exchange-bench-pg.XXXXXX)
pg_port=56432
while (exec 3<>/dev/tcp/127.0.0.1/$pg_port) 2>/dev/null; do pg_port=$((pg_port + 1)); done
pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$pg_data"
stop_postgres() {
  pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_data"
}
trap stop_postgres EXIT

pg "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust >/dev/null
pg "$pg_bin/pg_ctl" -D "$pg_data" -w -l "$pg_data/server.log" \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data -c max_connections=400 -c shared_buffers=512MB -c shared_preload_libraries=pg_stat_statements" start >/dev/null

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false DOTNET_CLI_USE_MSBUILD_SERVER=0
dotnet tool restore >/dev/null
dotnet build Exchange.sln -c Release -nologo -v quiet -clp:ErrorsOnly

for provider in ${EXCHANGE_BENCH_PROVIDERS:-Postgres Sqlite}; do
  EXCHANGE_TEST_PROVIDER=$provider \
  EXCHANGE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres" \
    dotnet bench/Exchange.Bench/bin/Release/net10.0/Exchange.Bench.dll "$@"
done
