-- wrk script of scripts/bench-api.sh: one endpoint per run, a random address / block / token per request.
--   wrk -s scripts/bench-api.lua URL -- ENDPOINT ADDRESSES BLOCKS [API_KEY]
-- With API_KEY (not "-"), every request carries it in x-api-key.
-- Prints "RESULT <requests/s> <p50 ms> <p95 ms> <p99 ms> <non-2xx> <socket errors> <requests>" when done.
local endpoint, addresses, blocks, headers
local tokens = {"native", "0x0000000000000000000000000000000000001001", "0x0000000000000000000000000000000000001002",
                "0x0000000000000000000000000000000000001003", "0x0000000000000000000000000000000000001004"}

function init(args)
  endpoint = args[1]
  addresses = tonumber(args[2])
  blocks = tonumber(args[3])
  if args[4] ~= nil and args[4] ~= "" and args[4] ~= "-" then
    headers = {["x-api-key"] = args[4]}
  end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

local function address()
  return string.format("0x%040x", math.random(1, addresses))
end

function request()
  local path
  if endpoint == "transfers" then
    path = "/v1/chains/1/addresses/" .. address() .. "/transfers?limit=20"
  elseif endpoint == "transfers100" then
    path = "/v1/chains/1/addresses/" .. address() .. "/transfers"
  elseif endpoint == "history" then
    path = "/v1/chains/1/addresses/" .. address() .. "/tokens/" .. tokens[math.random(1, #tokens)] .. "/history"
  elseif endpoint == "portfolio" then
    path = "/v1/chains/1/addresses/" .. address() .. "/history"
  elseif endpoint == "balances" then
    path = "/v1/chains/1/addresses/" .. address() .. "/balances"
  elseif endpoint == "balances_at" then
    path = "/v1/chains/1/addresses/" .. address() .. "/balances/at?block_number=" .. math.random(1, blocks)
  elseif endpoint == "token" then
    path = "/v1/chains/1/tokens/" .. tokens[math.random(1, #tokens)] .. "/transfers?limit=20"
  elseif endpoint == "range" then
    local b = math.random(1, blocks - 10)
    path = "/v1/chains/1/transfers?limit=20&from_block=" .. b .. "&to_block=" .. (b + 9)
  else
    error("unknown endpoint " .. tostring(endpoint))
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.2f %.2f %.2f %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, errors, summary.requests))
end
