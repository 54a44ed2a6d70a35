-- uses: now_ms
-- KEYS[1] the worker's hash, KEYS[2] the group's workers zset. ARGV: name, silent ms.
-- Deletes the worker's hash and returns its fields (as worker_list) if it was last seen at least silent
-- ms ago; else returns {} and changes nothing. Exactly one of concurrent callers gets it.
local v = redis.call('HMGET', KEYS[1], 'name', 'host', 'pid', 'concurrency', 'inflight', 'started', 'seen', 'leases')
if not v[1] then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return {}
end
if tonumber(v[7]) > now_ms() - tonumber(ARGV[2]) then return {} end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return v
