-- uses: parse
-- ARGV: offset, limit. Waiting jobs: available ones in pop order (oldest first), then delayed ones by due time.
-- Returns {id, payload, id, payload, ...}; entries not written by actionqueues are skipped.
local offset, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
local seen = 0
local function take(entry)
  local id, _, payload = parse(entry)
  if not id then return true end
  seen = seen + 1
  if seen > offset then
    out[#out + 1] = id
    out[#out + 1] = payload
  end
  return #out < 2 * limit
end
local n = redis.call('LLEN', KEYS[1])
for i = n - 1, 0, -1 do
  if not take(redis.call('LINDEX', KEYS[1], i)) then return out end
end
for _, e in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if not take(e) then return out end
end
return out
