-- uses:
-- KEYS[1] the saga's hash. Sets its cancel flag. Returns 1, or 0 if the saga does not exist.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'cancel', 1)
return 1
