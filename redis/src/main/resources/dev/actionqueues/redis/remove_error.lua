-- ARGV: id. Deletes one error-queue entry. Returns 1, or 0 if there was none.
redis.call('ZREM', KEYS[7], ARGV[1])
return redis.call('HDEL', KEYS[6], ARGV[1])
