-- POST /api/balance.php as a reseller integration sends it (form-encoded api_key + username).
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "api_key=" .. os.getenv("BENCH_API_KEY") .. "&username=" .. os.getenv("BENCH_USERNAME")
