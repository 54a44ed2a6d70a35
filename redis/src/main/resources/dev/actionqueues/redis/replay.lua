-- ARGV: id, new entry. Moves an error-queue entry back to the main queue. Returns 1, or 0 if there is none.
if redis.call('HEXISTS', KEYS[6], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[6], ARGV[1])
redis.call('ZREM', KEYS[7], ARGV[1])
redis.call('LPUSH', KEYS[1], ARGV[2])
return 1
