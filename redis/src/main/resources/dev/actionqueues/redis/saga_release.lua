-- uses:
-- KEYS[1] the saga's hash. ARGV: token. Ends the lease held with that token.
if redis.call('HGET', KEYS[1], 'token') == ARGV[1] then redis.call('HSET', KEYS[1], 'lease', 0) end
return 1
