-- ARGV: id, token, new payload, delay ms. Puts the job back (for a retry) with its new payload.
-- Returns 1, or 0 if the lease is not held.
local now = now_ms()
local id = ARGV[1]
if not holds(id, ARGV[2]) then return 0 end
redis.call('ZREM', KEYS[3], id)
redis.call('HDEL', KEYS[5], id)
redis.call('HSET', KEYS[6], id, 0)
redis.call('HSET', KEYS[4], id, ARGV[3])
enqueue(id, tonumber(ARGV[4]), now)
return 1
