#!/usr/bin/env bash
# Crash test (PRODUCT.md 10: "kill -9 during load, then restart: nothing acknowledged is lost, nothing is
# half-written"). On SQLite, in two rounds: start the Release server, load it with concurrent paid sandbox PAN
# verifications (some of them slow, so orders are caught mid provider call) plus balance.php, kill -9 it mid-load,
# restart it on the same database. Then check, and exit non-zero on any violation:
#   1. every verification the client saw acknowledged (HTTP 200 with a charge) is in the database, succeeded,
#      charged and not refunded;
#   2. no order without its charge, no charge without its order, every refund reverses one charge of its order and
#      matches the order's refunded flag, no entry records a negative balance;
#   3. the orders caught in flight are resolved (failed and refunded) by the restarted server's crash recovery
#      within its window (Orders:InFlightTimeoutSeconds, set small here);
#   4. `wallet verify` exits 0 (balance = sum of entries = newest entry's balance-after, for every wallet), the
#      database passes PRAGMA integrity_check, and the test wallet holds exactly what its paid orders imply.
# Needs curl and sqlite3 (installed with apt-get when missing). Runs in about a minute after the build.
# Env: CRASH_NO_BUILD=1 reuses the last Release build; CRASH_WORKERS (default 12) concurrent paid clients.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DLL="$ROOT/src/Inexopay.Server/bin/Release/net10.0/Inexopay.Server.dll"
WORK=$(mktemp -d /tmp/inexopay-crash.XXXXXX)
DB="$WORK/crash.db"
CS="Data Source=$DB"
WORKERS=${CRASH_WORKERS:-12}
SLOW_WORKERS=4
LOAD_SECONDS=6
IN_FLIGHT_TIMEOUT=8   # longer than any load phase: no request of a live server is ever taken for an orphan
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)))
URL="http://127.0.0.1:$PORT"
PAN_PATH=/v1/NSDLPanVerificationDirect
SERVER_PID=""
FAILURES=0

say() { printf '[crash-test] %s\n' "$*"; }
fail() { printf '[crash-test] FAIL: %s\n' "$*" >&2; FAILURES=$((FAILURES + 1)); }
cleanup() {
  touch "$WORK/stop" 2>/dev/null || true
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -9 "$SERVER_PID" 2>/dev/null || true; fi
  jobs -p | xargs -r kill 2>/dev/null || true
}
trap cleanup EXIT

command -v curl >/dev/null || { echo "curl is required" >&2; exit 2; }
if ! command -v sqlite3 >/dev/null; then
  say "installing sqlite3"
  (apt-get install -y -qq sqlite3 >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq sqlite3 >/dev/null; }) \
    || { echo "sqlite3 is required (apt-get install sqlite3)" >&2; exit 2; }
fi

if [[ -z "${CRASH_NO_BUILD:-}" ]]; then
  say "building Release"
  dotnet build "$ROOT/src/Inexopay.Server" -c Release -nologo -v q >/dev/null
fi

cli() { (cd "$WORK" && dotnet "$DLL" "$@" --ConnectionStrings:Default "$CS"); }
q() { sqlite3 -batch -noheader "$DB" "$@"; }

say "work dir $WORK, server on $URL"
cli plans create --name CrashTest --price 0 --validity-days 30 --rate-limit 0 --max-ips 0 --fee pan_verification=1.50 >/dev/null
cli users create --username crashshop --name "Crash Shop" --email crash@example.in --plan CrashTest --bind-ip 127.0.0.1 \
  --credit 1000 --json >"$WORK/reseller.json"
cli wallet credit --username crashshop --mode test --amount 100000 --reason "crash test float" >/dev/null
TEST_KEY=$(grep -o '"test_api_key": *"[^"]*"' "$WORK/reseller.json" | sed 's/.*"\([^"]*\)"$/\1/')
LIVE_KEY=$(grep -o '"live_api_key": *"[^"]*"' "$WORK/reseller.json" | sed 's/.*"\([^"]*\)"$/\1/')
[[ -n "$TEST_KEY" && -n "$LIVE_KEY" ]] || { echo "could not read the reseller's keys" >&2; exit 2; }

start_server() {
  (cd "$WORK" && exec env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    dotnet "$DLL" --urls "$URL" --ConnectionStrings:Default "$CS" \
      --Orders:InFlightTimeoutSeconds "$IN_FLIGHT_TIMEOUT" --Orders:RecoveryIntervalSeconds 1 \
      --Sandbox:PanVerification:SlowAnswerSeconds 60 >>"$WORK/server.log" 2>&1) &
  SERVER_PID=$!
  for _ in $(seq 1 150); do
    curl -fsS -o /dev/null "$URL/health/ready" 2>/dev/null && kill -0 "$SERVER_PID" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "the server did not start; log:" >&2
  tail -50 "$WORK/server.log" >&2
  exit 1
}

# One paid client: sequential verifications with unique transactionIds; logs "txid http_status charged" per answer.
NORMAL_BODY='{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","dob":"15/05/1990"}'
SLOW_BODY='{"pan":"AAAPZ3000S","name":"SANDBOX SLOW ANSWER","dob":"01/01/1990"}'
pan_client() {
  local name=$1 body=$2 n=0 txid status charged
  while [[ ! -e "$WORK/stop" ]]; do
    n=$((n + 1))
    txid="$name-$n"
    status=$(curl -s -m 90 -o "$WORK/body-$name" -w '%{http_code}' -X POST "$URL$PAN_PATH" \
      -H 'Content-Type: application/json' -H "appId: crashshop" -H "appKey: $TEST_KEY" -H "transactionId: $txid" \
      -d "$body" 2>/dev/null) || status=ERR
    charged=$(grep -o '"charged":[0-9.]*' "$WORK/body-$name" 2>/dev/null | cut -d: -f2 || true)
    echo "$txid $status ${charged:--}" >>"$WORK/acks-$name.txt"
    [[ "$status" == ERR || "$status" == 000 ]] && sleep 0.1
    : >"$WORK/body-$name"
  done
}
# Every answer logged so far by the clients whose name starts with $1.
acks() { cat "$WORK"/acks-"$1"*.txt 2>/dev/null || true; }
balance_client() {
  while [[ ! -e "$WORK/stop" ]]; do
    curl -s -m 10 -o /dev/null -X POST "$URL/api/balance.php" -d "api_key=$LIVE_KEY&username=crashshop" 2>/dev/null || sleep 0.1
  done
}

run_round() {
  local round=$1
  rm -f "$WORK/stop"
  local pids=()
  if [[ "$PAID" == yes ]]; then
    for w in $(seq 1 "$SLOW_WORKERS"); do pan_client "r$round-slow$w" "$SLOW_BODY" & pids+=($!); done
    for w in $(seq 1 "$WORKERS"); do pan_client "r$round-w$w" "$NORMAL_BODY" & pids+=($!); done
  fi
  for w in 1 2; do balance_client & pids+=($!); done
  sleep "$LOAD_SECONDS"
  local acked
  acked=$(acks "r$round-" | awk '$2 == 200' | wc -l)
  say "round $round: kill -9 the server under load ($acked verifications acknowledged so far)"
  kill -9 "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  touch "$WORK/stop"
  wait "${pids[@]}" 2>/dev/null || true
  SERVER_PID=""
  local inflight
  inflight=$(q "SELECT count(*) FROM Orders WHERE Status = 'Pending' AND ProviderCallStartedAt IS NOT NULL;")
  say "round $round: $inflight orders were caught mid provider call"
  ORPHANS=$((ORPHANS + inflight))
}

start_server
probe=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL$PAN_PATH" -H 'Content-Type: application/json' \
  -H "appId: crashshop" -H "appKey: $TEST_KEY" -H "transactionId: probe-1" -d "$NORMAL_BODY" || echo 000)
if [[ "$probe" == 404 ]]; then
  PAID=no
  say "DEGRADED: POST $PAN_PATH answers 404 (no paid endpoint in this build): crashing under balance.php load only;"
  say "          the paid-order checks below run on whatever orders exist (none)."
elif [[ "$probe" == 200 ]]; then
  PAID=yes
else
  echo "the PAN verification probe answered HTTP $probe, expected 200" >&2
  exit 1
fi

ORPHANS=0
run_round 1
start_server
run_round 2
start_server
say "restarted; waiting for crash recovery (in-flight timeout ${IN_FLIGHT_TIMEOUT}s)"
for _ in $(seq 1 60); do
  [[ $(q "SELECT count(*) FROM Orders WHERE Status = 'Pending' AND ProviderCallStartedAt IS NOT NULL;") == 0 ]] && break
  sleep 1
done

# ---- checks -------------------------------------------------------------------------------------------------------
acks "" | awk '$2 == 200 && $3 != "-" && $3 + 0 > 0 { print $1 }' >"$WORK/acked.txt"
ACKED=$(wc -l <"$WORK/acked.txt")
SENT=$(acks "" | wc -l)
say "checking: $SENT paid requests answered or cut off, $ACKED acknowledged with a charge, $ORPHANS caught in flight"
[[ "$PAID" == no || "$ACKED" -gt 0 ]] || fail "no verification was acknowledged: the load did not reach the server"

sqlite3 -batch "$WORK/acks.db" "CREATE TABLE acked (txid TEXT PRIMARY KEY);"
[[ "$ACKED" -gt 0 ]] && sqlite3 -batch "$WORK/acks.db" ".import '$WORK/acked.txt' acked"
check() { # check "description" "SQL counting violations"
  local found
  found=$(sqlite3 -batch -noheader "$WORK/acks.db" "ATTACH '$DB' AS app; $2")
  if [[ "$found" != 0 ]]; then fail "$1: $found"; else say "ok: $1"; fi
}
# The crash shop's test-mode orders.
ORDERS="app.Orders o WHERE o.Mode = 'Test' AND o.ResellerId = (SELECT Id FROM app.Resellers WHERE Username = 'crashshop')"
check "acknowledged verifications missing from the database" \
  "SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM $ORDERS AND o.OrderRef = a.txid);"
check "acknowledged verifications not succeeded, uncharged or refunded" \
  "SELECT count(*) FROM acked a WHERE EXISTS (SELECT 1 FROM $ORDERS AND o.OrderRef = a.txid
   AND (o.Status <> 'Succeeded' OR o.ChargeEntryId IS NULL OR o.Refunded <> 0));"
check "orders without their charge" \
  "SELECT count(*) FROM app.Orders o WHERE o.FeePaise > 0 AND NOT EXISTS (SELECT 1 FROM app.LedgerEntries e
   WHERE e.Id = o.ChargeEntryId AND e.Kind = 'Charge' AND e.OrderId = o.Id AND e.AmountPaise = -o.FeePaise);"
check "charges without their order" \
  "SELECT count(*) FROM app.LedgerEntries e WHERE e.Kind = 'Charge'
   AND NOT EXISTS (SELECT 1 FROM app.Orders o WHERE o.Id = e.OrderId AND o.ChargeEntryId = e.Id);"
check "refunds that do not reverse a charge of their order" \
  "SELECT count(*) FROM app.LedgerEntries e WHERE e.Kind = 'Refund' AND NOT EXISTS (SELECT 1 FROM app.LedgerEntries c
   WHERE c.Id = e.ReversesEntryId AND c.Kind = 'Charge' AND c.OrderId = e.OrderId AND c.AmountPaise = -e.AmountPaise);"
check "orders whose refunded flag disagrees with the ledger" \
  "SELECT count(*) FROM app.Orders o WHERE o.Refunded <> (SELECT count(*) FROM app.LedgerEntries e
   WHERE e.Kind = 'Refund' AND e.ReversesEntryId = o.ChargeEntryId) OR (o.Refunded <> 0 AND o.Status <> 'Failed');"
check "entries recording a negative balance" "SELECT count(*) FROM app.LedgerEntries WHERE BalanceAfterPaise < 0;"
check "wallets whose balance differs from the sum of their entries or their newest entry" \
  "SELECT count(*) FROM app.Wallets w WHERE w.BalancePaise <> (SELECT coalesce(sum(AmountPaise), 0) FROM app.LedgerEntries WHERE WalletId = w.Id)
   OR w.BalancePaise <> coalesce((SELECT BalanceAfterPaise FROM app.LedgerEntries WHERE WalletId = w.Id ORDER BY Id DESC LIMIT 1), 0);"
check "orders still in flight after the recovery window (not resolved)" \
  "SELECT count(*) FROM app.Orders WHERE Status = 'Pending' AND ProviderCallStartedAt IS NOT NULL;"
check "test wallet differs from its opening balance, top-up and paid orders" \
  "SELECT (SELECT w.BalancePaise FROM app.Wallets w JOIN app.Resellers r ON r.Id = w.ResellerId WHERE r.Username = 'crashshop' AND w.Mode = 'Test')
        - (1000000 + 10000000 - (SELECT coalesce(sum(o.FeePaise), 0) FROM $ORDERS AND o.Refunded = 0));"
if [[ "$ORPHANS" -gt 0 ]]; then
  check "orders caught in flight that were not failed and refunded" \
    "SELECT count(*) FROM $ORDERS AND o.OrderRef LIKE '%slow%' AND (o.Status <> 'Failed' OR o.Refunded = 0);"
elif [[ "$PAID" == yes ]]; then
  say "note: no order was caught mid provider call this time; the recovery path was not exercised"
fi
integrity=$(q "PRAGMA integrity_check;")
[[ "$integrity" == ok ]] && say "ok: PRAGMA integrity_check" || fail "integrity_check: $integrity"
if verify=$(cli wallet verify 2>&1); then say "ok: wallet verify: $verify"; else fail "wallet verify: $verify"; fi
curl -fsS -o /dev/null -X POST "$URL/api/balance.php" -d "api_key=$LIVE_KEY&username=crashshop" \
  && say "ok: the restarted server answers" || fail "the restarted server does not answer balance.php"

if [[ "$FAILURES" -gt 0 ]]; then
  say "$FAILURES invariant(s) violated; work dir kept: $WORK"
  exit 1
fi
[[ "$PAID" == yes ]] && say "PASS" || say "PASS (DEGRADED: no paid endpoint in this build)"
rm -rf "$WORK"
