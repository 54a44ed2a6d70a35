-- uses:
-- KEYS[1] the worker's hash, KEYS[2] the group's workers zset. ARGV: name. Returns 1 if the hash existed.
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])
