-- wrk script: sign-in's second step with an authenticator code, as a browser posts it.
--   wrk -t THREADS -s bench/verify.lua URL -- USERS_FILE THREADS
-- USERS_FILE is written by `bench_tool prepare-verify`: the TOTP step it started from, then per
-- person a session token, its CSRF token, the app's method id and the codes of the following
-- steps. Each request takes the next person (threads interleave), so every code is fresh: a person
-- is not asked twice in one run, since the server accepts each code once (replay protection).
-- When every person was asked once the thread stops, whatever the duration.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  users = {}
  local file = assert(io.open(args[1], "r"))
  base_step = tonumber(file:read("*l"))
  for line in file:lines() do
    local fields = {}
    for f in line:gmatch("%S+") do table.insert(fields, f) end
    local codes = {}
    for i = 4, #fields do codes[#codes + 1] = fields[i] end
    users[#users + 1] = {
      cookie = "secinfo_session=" .. fields[1],
      prefix = "csrf=" .. fields[2] .. "&method_id=" .. fields[3] .. "&code=",
      codes = codes,
    }
  end
  file:close()
  step = id
  stride = tonumber(args[2] or 1)
  sent, ok, refused = 0, 0, 0
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
end

function request()
  local u = users[step + 1]
  step = step + stride
  sent = sent + 1
  local k = math.floor(os.time() / 30) - base_step + 1
  local code = u.codes[k] or "000000"
  headers["Cookie"] = u.cookie
  return wrk.format("POST", "/sign-in/verify/app", headers, u.prefix .. code)
end

function response(status, hdrs, body)
  -- 303 to where the person was going: the code was accepted and the session's assurance raised.
  if status == 303 then ok = ok + 1 else refused = refused + 1 end
  if step >= #users then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local accepted, others = 0, 0
  for _, t in ipairs(threads) do
    accepted = accepted + t:get("ok")
    others = others + t:get("refused")
  end
  io.write(string.format(
    '{"accepted": %d, "refused": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f}\n',
    accepted, others, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
