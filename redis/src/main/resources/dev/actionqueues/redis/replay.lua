-- ARGV: id, new payload, max deliveries. Moves an error-queue entry back to the main queue.
-- Returns 1, or 0 if there is no such entry.
local now = now_ms()
local id = ARGV[1]
if redis.call('HEXISTS', KEYS[10], id) == 0 then return 0 end
redis.call('HDEL', KEYS[10], id)
redis.call('ZREM', KEYS[11], id)
redis.call('HSET', KEYS[4], id, ARGV[2])
redis.call('HSET', KEYS[7], id, ARGV[3])
redis.call('HDEL', KEYS[6], id)
enqueue(id, 0, now)
return 1
