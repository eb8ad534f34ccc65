#!/usr/bin/env bash
# Load benchmark (PRODUCT.md 10). Builds the server in Release, starts it on loopback over a fresh SQLite database
# with the bare yardstick endpoint enabled, creates a reseller on an unlimited plan through the operator CLI and
# drives with wrk:
#   bare      POST /bench/bare                     same JSON as balance.php, no auth, no database
#   balance   POST /api/balance.php                real reseller, live key, bound to 127.0.0.1
#   pan       POST /v1/NSDLPanVerificationDirect   sandbox (test key), a new paid order per request
#   pan-half  the same, paced to half of the measured pan throughput, for p99 at half load
# Prints a table and writes bench/results/latest.json. Server RSS is sampled every 0.2 s during each run.
#
# Usage: bench/run.sh            (env: BENCH_DURATION=15 BENCH_WARMUP=5 BENCH_CONNECTIONS=64 BENCH_THREADS=2
#                                      BENCH_PORT=<free port> BENCH_NO_BUILD=1 to reuse the last Release build,
#                                      BENCH_KEEP_WORK=1 to keep the database and server log)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-5}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
# A free port picked now, so a run never measures some other server already on a fixed port.
PORT=${BENCH_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
URL="http://127.0.0.1:$PORT"
WORK=$(mktemp -d /tmp/inexopay-bench.XXXXXX)
DB="Data Source=$WORK/bench.db"
DLL="$ROOT/src/Inexopay.Server/bin/Release/net10.0/Inexopay.Server.dll"
export BENCH_LUA_DIR="$ROOT/bench/lua"
SERVER_PID=""

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq is not installed (apt-get install jq)" >&2; exit 2; }

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  echo "== building Release"
  dotnet build "$ROOT/src/Inexopay.Server" -c Release -nologo -v q >/dev/null
fi

cli() { (cd "$WORK" && dotnet "$DLL" "$@" --ConnectionStrings:Default "$DB"); }

echo "== reseller on an unlimited plan (work dir $WORK)"
cli plans create --name BenchUnlimited --price 0 --validity-days 365 --rate-limit 0 --max-ips 0 \
  --fee pan_verification=1.50 --fee pan_new=99 --fee pan_correction=99 --fee bank_onboarding=25 --fee bank_account_open=15 >/dev/null
cli users create --username benchshop --name "Bench Shop" --email bench@example.in --plan BenchUnlimited \
  --bind-ip 127.0.0.1 --credit 100000 --json >"$WORK/reseller.json"
# Enough test money for millions of ₹1.50 sandbox verifications.
cli wallet credit --username benchshop --mode test --amount 10000000 --reason "benchmark float" >/dev/null
export BENCH_USERNAME=benchshop
LIVE_KEY=$(jq -r .live_api_key "$WORK/reseller.json")
TEST_KEY=$(jq -r .test_api_key "$WORK/reseller.json")

echo "== starting the server on $URL"
(cd "$WORK" && exec env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  dotnet "$DLL" --urls "$URL" --ConnectionStrings:Default "$DB" --Bench:BareEndpoint true >"$WORK/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "$URL/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
if ! kill -0 "$SERVER_PID" 2>/dev/null || ! curl -fsS "$URL/health/ready" >/dev/null; then
  echo "server did not start; log:" >&2; cat "$WORK/server.log" >&2; exit 1
fi

rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
# CPU seconds (user + system) the server process has used so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$SERVER_PID/stat"; }

# run NAME SCRIPT KEY CONNECTIONS [DELAY_MS] -> prints the wrk JSON line with the peak RSS added
run() {
  local name=$1 script=$2 key=$3 connections=$4 delay=${5:-0} path=$6
  export BENCH_API_KEY=$key BENCH_DELAY_MS=$delay BENCH_RUN_ID="$name-$(date +%s%N)"
  wrk -t"$THREADS" -c"$connections" -d"${WARMUP}s" -s "$BENCH_LUA_DIR/$script" "$URL$path" >/dev/null
  export BENCH_RUN_ID="$name-$(date +%s%N)"
  local peak=0 sampler
  ( while kill -0 "$SERVER_PID" 2>/dev/null; do rss_mb; echo; sleep 0.2; done ) >"$WORK/rss-$name.txt" &
  sampler=$!
  local cpu_before cpu_after
  cpu_before=$(cpu_s)
  /usr/bin/time -f '%U %S' -o "$WORK/wrk-cpu-$name.txt" \
    wrk -t"$THREADS" -c"$connections" -d"${DURATION}s" -s "$BENCH_LUA_DIR/$script" "$URL$path" | grep '^{' >"$WORK/$name.json"
  cpu_after=$(cpu_s)
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  peak=$(sort -n "$WORK/rss-$name.txt" | tail -1)
  jq -c --arg name "$name" --argjson c "$connections" --argjson rss "${peak:-0}" --argjson cpu "$(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { print b - a }')" \
    --argjson wrkcpu "$(awk '{ print $1 + $2 }' "$WORK/wrk-cpu-$name.txt")" \
    '. + {name: $name, connections: $c, peak_rss_mb: $rss, server_cpu_us_per_request: ((($cpu * 1e6) / .requests) | floor),
          wrk_cpu_us_per_request: ((($wrkcpu * 1e6) / .requests) | floor)}' \
    "$WORK/$name.json" | tee -a "$WORK/results.jsonl"
}

echo "== bare (yardstick)"
run bare bare.lua "$LIVE_KEY" "$CONNECTIONS" 0 /bench/bare
echo "== balance.php"
run balance balance.lua "$LIVE_KEY" "$CONNECTIONS" 0 /api/balance.php

probe=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/v1/NSDLPanVerificationDirect" \
  -H 'Content-Type: application/json' -H "appId: benchshop" -H "appKey: $TEST_KEY" -H "transactionId: probe-$(date +%s%N)" \
  -d '{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","dob":"15/05/1990"}')
if [[ "$probe" == "404" ]]; then
  echo "== PAN verification SKIPPED: POST /v1/NSDLPanVerificationDirect answers 404 (the endpoint is not in this build)"
else
  [[ "$probe" == "200" ]] || echo "!! PAN verification probe answered HTTP $probe (expected 200); measuring anyway"
  echo "== PAN verification (sandbox, a paid order per request)"
  run pan pan-verification.lua "$TEST_KEY" "$CONNECTIONS" 0 /v1/NSDLPanVerificationDirect
  full=$(jq -r 'select(.name == "pan") | .rps' "$WORK/results.jsonl")
  half_connections=$CONNECTIONS
  # Each connection waits delay ms after each answer: offered ≈ connections * 1000 / (delay + latency), a little under
  # half the full rate (wrk's delay is whole milliseconds, hence many connections with a long pause each).
  delay=$(awk -v c="$half_connections" -v r="$full" 'BEGIN { d = int(c * 1000 / (r / 2)); if (d < 1) d = 1; print d }')
  # Calibrate once: rate = connections / (pause + latency), and the latency is the one at that load.
  calibration=$(BENCH_API_KEY=$TEST_KEY BENCH_DELAY_MS=$delay BENCH_RUN_ID="calibrate-$(date +%s%N)" \
    wrk -t"$THREADS" -c"$half_connections" -d5s -s "$BENCH_LUA_DIR/pan-verification.lua" "$URL/v1/NSDLPanVerificationDirect" | grep '^{')
  delay=$(jq -r --argjson c "$half_connections" --argjson r "$full" --argjson d "$delay" \
    '(($c * 1000 / .rps) - $d) as $latency | (($c * 1000 / ($r / 2)) - $latency | round) | if . < 1 then 1 else . end' <<<"$calibration")
  echo "== PAN verification at about half load ($half_connections connections, ${delay} ms pause each)"
  run pan-half pan-verification.lua "$TEST_KEY" "$half_connections" "$delay" /v1/NSDLPanVerificationDirect
fi

echo "== books after the run"
cli wallet verify

mkdir -p "$ROOT/bench/results"
jq -s --arg cpu "$(nproc) cpu, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" --arg when "$(date -u +%FT%TZ)" \
  '{when: $when, machine: $cpu, runs: .}' "$WORK/results.jsonl" >"$ROOT/bench/results/latest.json"

echo
printf '%-9s %6s %10s %9s %9s %9s %8s %8s %10s %10s\n' run conns req/s p50_ms p90_ms p99_ms non2xx rss_MB server_µs wrk_µs
jq -r '[.name, .connections, .rps, .p50_ms, .p90_ms, .p99_ms, .non2xx, .peak_rss_mb, .server_cpu_us_per_request, .wrk_cpu_us_per_request] | @tsv' \
  "$WORK/results.jsonl" | awk -F'\t' '{ printf "%-9s %6s %10.0f %9.2f %9.2f %9.2f %8s %8s %10s %10s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
bare=$(jq -r 'select(.name == "bare") | .rps' "$WORK/results.jsonl")
balance=$(jq -r 'select(.name == "balance") | .rps' "$WORK/results.jsonl")
awk -v b="$balance" -v r="$bare" 'BEGIN { printf "balance.php / bare = %.0f%% (target >= 50%%)\n", 100 * b / r }'
if grep -q '"name":"pan"' "$WORK/results.jsonl"; then
  jq -r 'select(.name == "pan") | "PAN verification: \(.rps | floor) req/s (target >= 5000)"' "$WORK/results.jsonl"
  jq -r 'select(.name == "pan-half") | "PAN verification at \(.rps | floor) req/s: p99 \(.p99_ms) ms (target <= 20 ms)"' "$WORK/results.jsonl"
fi
echo "Results: bench/results/latest.json"
[[ -n "${BENCH_KEEP_WORK:-}" ]] && echo "Work dir kept: $WORK" || rm -rf "$WORK"
