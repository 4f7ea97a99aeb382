#!/usr/bin/env bash
# Builds and runs the whole exchange on the embedded SQLite default with demo data:
# Identity, Api, Portal and Jobs. Ctrl-C or SIGTERM stops all four.
# In Development it also starts smtp4dev, a local SMTP server with a web inbox, and points the
# exchange's mail at it (unless Exchange__Mail__Host is set).
# Override ports with EXCHANGE_IDENTITY_PORT, EXCHANGE_API_PORT, EXCHANGE_PORTAL_PORT,
# EXCHANGE_JOBS_PORT, EXCHANGE_SMTP_PORT, EXCHANGE_INBOX_PORT, and any setting with its
# environment form (Exchange__Section__Key).
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
identity_port=${EXCHANGE_IDENTITY_PORT:-5001}
api_port=${EXCHANGE_API_PORT:-5002}
portal_port=${EXCHANGE_PORTAL_PORT:-5003}
jobs_port=${EXCHANGE_JOBS_PORT:-5004}
smtp_port=${EXCHANGE_SMTP_PORT:-2525}
inbox_port=${EXCHANGE_INBOX_PORT:-5005}
# The development inbox stands in for a real SMTP server only where none is configured.
dev_inbox=false
if [ "$ASPNETCORE_ENVIRONMENT" = Development ] && [ -z "${Exchange__Mail__Host:-}" ]; then
  dev_inbox=true
  export Exchange__Mail__Host=127.0.0.1 Exchange__Mail__Port="$smtp_port" Exchange__Mail__Security=None
fi

# Where each service finds the others; every Exchange__* variable already set wins.
mkdir -p "$root/data"
export Exchange__Database__ConnectionString="${Exchange__Database__ConnectionString:-Data Source=$root/data/exchange.db}"
# The keys that encrypt case content live outside the database, one directory for all services.
export Exchange__ContentKeys__Directory="${Exchange__ContentKeys__Directory:-$root/data/content-keys}"
# The key Jobs signs the audit log's checkpoints with (made on first start in Development).
export Exchange__Audit__SigningKeyPath="${Exchange__Audit__SigningKeyPath:-$root/data/audit-signing-key.pem}"
export Exchange__Identity__Issuer="${Exchange__Identity__Issuer:-http://127.0.0.1:$identity_port}"
export Exchange__Auth__Authority="${Exchange__Auth__Authority:-http://127.0.0.1:$identity_port}"
export Exchange__Identity__PortalRedirectUri="${Exchange__Identity__PortalRedirectUri:-http://127.0.0.1:$portal_port/signin-oidc}"
export Exchange__Identity__PortalPostLogoutRedirectUri="${Exchange__Identity__PortalPostLogoutRedirectUri:-http://127.0.0.1:$portal_port/}"
export Exchange__Identity__JobsDashboardRedirectUri="${Exchange__Identity__JobsDashboardRedirectUri:-http://127.0.0.1:$jobs_port/signin-oidc}"
export Exchange__Portal__ApiBaseUrl="${Exchange__Portal__ApiBaseUrl:-http://127.0.0.1:$api_port}"
export Exchange__Portal__JobsDashboardUrl="${Exchange__Portal__JobsDashboardUrl:-http://127.0.0.1:$jobs_port/hangfire}"
export Exchange__Mail__PortalUrl="${Exchange__Mail__PortalUrl:-http://127.0.0.1:$portal_port/}"

echo "Building..."
dotnet tool restore >/dev/null
for service in Identity Api Portal Jobs; do
  dotnet build "src/Exchange.$service/Exchange.$service.csproj" -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary"
done
bin() { echo "$root/src/Exchange.$1/bin/Release/net10.0"; }

echo "Applying migrations..."
(cd "$(bin Api)" && dotnet Exchange.Api.dll migrate </dev/null)

pids=()
stop() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo "Stopping the exchange..."
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

start() {
  local service=$1 port=$2
  # Each service runs from its build folder (its content root) and logs to data/<service>.log.
  (cd "$(bin "$service")" && exec dotnet "Exchange.$service.dll" --urls "http://127.0.0.1:$port" \
     </dev/null >>"$root/data/${service,,}.log" 2>&1) &
  pids+=($!)
}
start Identity "$identity_port"
start Api "$api_port"
start Portal "$portal_port"
start Jobs "$jobs_port"
ready_urls=()
for port in "$identity_port" "$api_port" "$portal_port" "$jobs_port"; do ready_urls+=("http://127.0.0.1:$port/health/ready"); done
if $dev_inbox; then
  # In memory (--db=), on loopback only; IMAP and POP3 on any free port, since nothing here uses them.
  (exec dotnet tool run smtp4dev -- --urls="http://127.0.0.1:$inbox_port" --smtpport="$smtp_port" --bindaddress=127.0.0.1 \
     --imapport=0 --pop3port=0 --db= --nousersettings </dev/null >>"$root/data/smtp4dev.log" 2>&1) &
  pids+=($!)
  ready_urls+=("http://127.0.0.1:$inbox_port/")
fi

for url in "${ready_urls[@]}"; do
  for _ in $(seq 1 120); do
    if curl -fsS "$url" >/dev/null 2>&1; then continue 2; fi
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "A service stopped during start-up; see data/*.log"; exit 1; }
    done
    sleep 1
  done
  echo "$url did not become ready within two minutes; see data/*.log"
  exit 1
done

cat <<INFO

The exchange is running (logs in data/*.log). Ctrl-C stops it.
  Identity  http://127.0.0.1:$identity_port   (discovery: /.well-known/openid-configuration)
  Api       http://127.0.0.1:$api_port   (OpenAPI: /swagger)
  Portal    http://127.0.0.1:$portal_port
  Jobs      http://127.0.0.1:$jobs_port/hangfire   (jobs dashboard: oscar reads, olga may retry and delete)
$($dev_inbox && echo "  Mail      http://127.0.0.1:$inbox_port   (smtp4dev: every e-mail the exchange sends, SMTP on port $smtp_port)")

Demo sign-ins (password for all: Demo-Passw0rd!)
  acme engineer alice@acme.example       acme admin adam@acme.example
  globex engineer gina@globex.example    globex admin greg@globex.example
  initech engineer ivan@initech.example  initech admin irene@initech.example
  acme privacy officer paula@acme.example  globex petra@globex.example  initech pavel@initech.example
  legal admin lena@exchange.example      operator privacy officer piet@exchange.example
  operator oscar@exchange.example       operator admin olga@exchange.example
Demo API clients (client credentials)
  acme-crm / dev-acme-crm-secret   globex-crm / dev-globex-crm-secret   initech-crm / dev-initech-crm-secret
INFO

# Stay up until a service stops on its own or we are told to stop.
wait -n "${pids[@]}" || true
echo "A service stopped; stopping the rest."
