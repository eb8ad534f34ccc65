-- POST /v1/NSDLPanVerificationDirect (HyperVerge contract) with the test key: every request a new paid order, so
-- each carries a unique transactionId made of the run, the wrk thread and a per-thread counter.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

local counter = 0
local run = os.getenv("BENCH_RUN_ID") or tostring(os.time())
local body = '{"pan":"ABCPV1234D","name":"RAHUL KUMAR SHARMA","dob":"15/05/1990"}'
local headers = {
  ["Content-Type"] = "application/json",
  ["appId"] = os.getenv("BENCH_USERNAME"),
  ["appKey"] = os.getenv("BENCH_API_KEY"),
}

function request()
  counter = counter + 1
  headers["transactionId"] = string.format("%s-%d-%d", run, thread_id or 0, counter)
  return wrk.format("POST", "/v1/NSDLPanVerificationDirect", headers, body)
end
