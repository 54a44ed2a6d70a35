-- ARGV: id, payload, delay ms, max deliveries. Returns 1, or 0 if the id already exists.
local now = now_ms()
local id = ARGV[1]
if redis.call('HSETNX', KEYS[4], id, ARGV[2]) == 0 then
  return 0
end
redis.call('HSET', KEYS[7], id, ARGV[4])
enqueue(id, tonumber(ARGV[3]), now)
return 1
