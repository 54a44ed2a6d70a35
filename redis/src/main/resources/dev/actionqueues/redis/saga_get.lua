-- uses:
-- KEYS[1] the saga's hash. Returns {name, status, journal, token, cancel, updated}, or {} if none.
local v = redis.call('HMGET', KEYS[1], 'name', 'status', 'journal', 'token', 'cancel', 'updated')
if not v[1] then return {} end
return v
