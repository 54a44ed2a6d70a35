-- uses: now_ms int
-- Saga scripts: KEYS[1] the saga's hash (name, status, journal, token, lease = expiry ms or 0,
-- cancel = 0|1, updated = ms); KEYS[2] zset of the group's sagas by last update; KEYS[3..8] zsets of
-- the sagas by last update, one per status, in the order of ARGV's status list where one is given.
-- ARGV: id, name, status, journal, index of the status (1-6). Returns 1, or 0 if the saga exists.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local now = now_ms()
redis.call('HSET', KEYS[1], 'name', ARGV[2], 'status', ARGV[3], 'journal', ARGV[4], 'token', 0, 'lease', 0,
  'cancel', 0, 'updated', int(now))
redis.call('ZADD', KEYS[2], int(now), ARGV[1])
redis.call('ZADD', KEYS[2 + tonumber(ARGV[5])], int(now), ARGV[1])
return 1
