-- wrk script: POST /v1/lookup with PDQ queries read from $QUERIES (one hex hash per line), cycling.
-- review=false: hits are reported but do not become review items (the benchmark measures lookups).
local bodies = {}
local i = 0
function init(args)
  local path = os.getenv("QUERIES")
  for line in io.lines(path) do
    local h = line:match("^(%x+)")
    if h and #h == 64 then
      bodies[#bodies + 1] = '{"signal_type":"pdq","value":"' .. h .. '","review":false}'
    end
  end
  i = math.random(#bodies)
end
function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/v1/lookup", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("SAFEGUARD_KEY")}, bodies[i])
end
local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
