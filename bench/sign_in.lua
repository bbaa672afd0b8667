-- wrk script: the password step of sign-in (Argon2id), as a browser posts it.
--   wrk -s bench/sign_in.lua URL -- PRE_SESSION_COOKIE CSRF USERS
-- The pre-session cookie and its CSRF token come from one GET /sign-in; each request signs in the
-- next of u0..u<USERS-1>@contoso.example with the benchmark's password.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  cookie, csrf, users = args[1], args[2], tonumber(args[3])
  n, ok, refused = math.random(0, users - 1), 0, 0
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "secinfo_pre=" .. cookie,
  }
end

function request()
  n = (n + 1) % users
  return wrk.format("POST", "/sign-in", headers,
    "csrf=" .. csrf .. "&username=u" .. n .. "%40contoso.example&password=bench-password-1")
end

function response(status, hdrs, body)
  if status == 303 then ok = ok + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local accepted, others = 0, 0
  for _, t in ipairs(threads) do
    accepted = accepted + t:get("ok")
    others = others + t:get("refused")
  end
  io.write(string.format('{"accepted": %d, "refused": %d, "seconds": %.3f, "p50_ms": %.3f}\n',
    accepted, others, summary.duration / 1e6, latency:percentile(50) / 1000))
end
