#!/usr/bin/env bash
# Smoke test of the production stack (docker-compose.yml: KurrentDB, PostgreSQL, Kafka, and the api,
# projector and ingest images), end to end, on a machine with Docker:
#
#   1. builds and starts the stack under its own compose project (campaign-smoke) and waits until
#      every service is healthy;
#   2. runs the live contract suites from this checkout against it: the event store's against
#      KurrentDB (EVENTSTORE_URL) and the message bus's against Kafka (KAFKA_BROKERS);
#   3. command via the API -> event in KurrentDB -> projection -> query;
#   4. channel message on Kafka -> command -> event in KurrentDB -> integration event out on Kafka,
#      carrying the message's traceparent;
#   5. removes the stack and its volumes (KEEP_STACK=1 leaves it up).
#
# It uses the host ports the compose file publishes (3000, 2113, 5432, 29092): stop a stack of your
# own first. Needs docker (with compose v2), curl and node/npm (npm ci done). Exit 0 when all passed.
set -euo pipefail

cd "$(dirname "$0")/.."
readonly PROJECT=campaign-smoke
readonly API=http://localhost:3000
readonly ESDB_HTTP=http://localhost:2113
compose() { docker compose -p "$PROJECT" -f docker-compose.yml "$@"; }
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'SMOKE FAILED: %s\n' "$*" >&2; exit 1; }

for tool in docker curl node npx; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed"
done
docker compose version >/dev/null 2>&1 || fail "docker compose (v2) is not available"

# The stack refuses to start without these (docker-compose.yml); fresh ones for a throw-away stack.
PII_MASTER_KEY="${PII_MASTER_KEY:-$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')}"
JWT_SECRET="${JWT_SECRET:-$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')}"
export PII_MASTER_KEY JWT_SECRET

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    printf '\n== logs of the apps (last 80 lines each)\n' >&2
    compose logs --no-color --tail 80 api projector ingest >&2 || true
  fi
  if [ "${KEEP_STACK:-0}" = 1 ]; then
    printf 'KEEP_STACK=1: the stack stays up (docker compose -p %s down -v removes it)\n' "$PROJECT"
  else
    compose down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  exit "$status"
}
trap cleanup EXIT

step "starting the stack (build, then wait for every health check)"
compose up -d --build --wait --wait-timeout 300

step "waiting for the api to be ready on KurrentDB"
ready=""
for _ in $(seq 1 60); do
  ready="$(curl -fsS "$API/health/ready" 2>/dev/null || true)"
  case "$ready" in *'"kind":"eventstoredb"'*) break ;; esac
  sleep 2
done
case "$ready" in *'"kind":"eventstoredb"'*) echo "ready: $ready" ;; *) fail "the api never reported ready on eventstoredb: $ready" ;; esac

step "live contract suites: EventStoreDB (KurrentDB) and Kafka"
EVENTSTORE_URL='esdb://localhost:2113?tls=false' npx jest --ci libs/event-store/src/eventstoredb
KAFKA_BROKERS=localhost:29092 npx jest --ci libs/messaging/src/kafka/kafka-message-bus.int.spec.ts

# --- helpers for the end-to-end path ---------------------------------------------------------
token_for() { compose exec -T api node dist/apps/cli/src/main.js token --user "$1"; }
# POST a JSON body as a user (or "-" for no token); prints the body, fails on anything but 2xx.
post() {
  local who=$1 path=$2 body=$3 auth=()
  if [ "$who" != "-" ]; then auth=(-H "authorization: Bearer $(token_for "$who")"); fi
  curl -fsS -X POST "$API$path" -H 'content-type: application/json' "${auth[@]}" -d "$body" \
    || fail "POST $path as $who"
}
get() { curl -fsS "$API$2" -H "authorization: Bearer $(token_for "$1")" || fail "GET $2 as $1"; }
json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s));process.stdout.write(String(v??""))})' "$1"; }
# Events of a stream as KurrentDB's HTTP API has them (AtomPub is on in compose; insecure node, no auth).
esdb_stream() { curl -fsS -H 'Accept: application/vnd.eventstore.atom+json' "$ESDB_HTTP/streams/$1?embed=body" || true; }

step "end to end: command via the API -> event in KurrentDB -> projection -> query"
post - /api/org/bootstrap '{"headOffice":{"unitId":"HO","name":"总行"},"admin":{"staffId":"admin","displayName":"Admin"}}' >/dev/null
post admin /api/org/units '{"unitId":"BR-SMOKE","name":"冒烟分行","level":"branch","parentId":"HO"}' >/dev/null
post admin /api/org/units '{"unitId":"SB-SMOKE","name":"冒烟支行","level":"sub_branch_1","parentId":"BR-SMOKE"}' >/dev/null
post admin /api/org/staff '{"staffId":"head-smoke","displayName":"Head","role":"branch_head","unitId":"BR-SMOKE"}' >/dev/null
post admin /api/org/staff '{"staffId":"rm-smoke","displayName":"RM","role":"relationship_manager","unitId":"SB-SMOKE"}' >/dev/null
post admin /api/products '{"productCode":"DEP-1Y","name":"一年定期","category":"deposit","riskLevel":"R1","riskBearing":false,"weight":"0.50"}' >/dev/null
post rm-smoke /api/customers '{"customerId":"C-SMOKE-1","segment":"retail","gender":"F","assetsByUnit":{"SB-SMOKE":"300000"}}' >/dev/null
post head-smoke /api/customers/C-SMOKE-1/risk-assessment '{"tolerance":"R2"}' >/dev/null
sale="$(post rm-smoke /api/interactions '{"kind":"conversion","customerId":"C-SMOKE-1","staffId":"rm-smoke","productCode":"DEP-1Y","amount":"1000","revenue":"10.00"}')"
sale_id="$(printf '%s' "$sale" | json_field id)"
position="$(printf '%s' "$sale" | json_field position)"
if [ -z "$sale_id" ] || [ -z "$position" ]; then fail "the sale answered no id or position: $sale"; fi
echo "sale $sale_id at $position"
esdb_stream customer-C-SMOKE-1 | grep -q "ConversionRecorded" || fail "ConversionRecorded is not in KurrentDB's customer-C-SMOKE-1"
echo "KurrentDB has ConversionRecorded on customer-C-SMOKE-1"
# The query waits (at most 5 s) until the projection has applied the sale's position.
view="$(get head-smoke "/api/customers/C-SMOKE-1?minPosition=$position")"
printf '%s' "$view" | grep -q '"readModel"' || fail "the customer view has no readModel: $view"
echo "customer-360 answers at or after $position: $(printf '%s' "$view" | json_field readModel.position)"

step "end to end: channel message on Kafka -> command -> event -> integration event out"
message_id="$(node -e 'process.stdout.write(require("crypto").randomUUID())')"
traceparent="00-$(node -e 'process.stdout.write(require("crypto").randomBytes(16).toString("hex"))')-$(node -e 'process.stdout.write(require("crypto").randomBytes(8).toString("hex"))')-01"
value='{"actor":"rm-smoke","interaction":{"kind":"conversion","customerId":"C-SMOKE-1","staffId":"rm-smoke","productCode":"DEP-1Y","amount":"500","revenue":"5.00"}}'
# kafka-console-producer (Kafka 3.2+, KIP-798): "headers<TAB>key<TAB>value", headers as k:v,k:v.
printf 'message-id:%s,traceparent:%s\tC-SMOKE-1\t%s\n' "$message_id" "$traceparent" "$value" \
  | compose exec -T kafka /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server localhost:9092 \
      --topic channel.interactions --property parse.key=true --property parse.headers=true
applied=""
for _ in $(seq 1 30); do
  if esdb_stream customer-C-SMOKE-1 | grep -q "$message_id"; then applied=1; break; fi
  sleep 2
done
[ -n "$applied" ] || fail "the channel sale $message_id never reached KurrentDB"
echo "the channel sale $message_id is in KurrentDB"
out=""
for _ in $(seq 1 10); do
  out="$(compose exec -T kafka /opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server localhost:9092 \
    --topic integration.customers --from-beginning --property print.headers=true --timeout-ms 10000 2>/dev/null || true)"
  if printf '%s' "$out" | grep "$message_id" | grep -q "traceparent:$traceparent"; then break; fi
  sleep 2
done
printf '%s' "$out" | grep -q "$sale_id" || fail "the API's sale $sale_id was not published on integration.customers"
printf '%s' "$out" | grep "$message_id" | grep -q "traceparent:$traceparent" \
  || fail "the channel sale $message_id was not published on integration.customers with its traceparent"
echo "integration.customers carries both sales, the channel one with traceparent $traceparent"

step "metrics"
curl -fsS "$API/metrics" | grep -q '^campaign_commands_total{' || fail "the api's /metrics has no campaign_commands_total"
echo "the api exposes its metrics"

printf '\nSMOKE PASSED\n'
