-- The yardstick: the same request shape against /bench/bare (same JSON answer, no auth, no database).
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "api_key=" .. os.getenv("BENCH_API_KEY") .. "&username=" .. os.getenv("BENCH_USERNAME")
