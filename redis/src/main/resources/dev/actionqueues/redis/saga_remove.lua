-- uses:
-- KEYS[1] the zset of all sagas, KEYS[2..] the zsets of the statuses to remove. ARGV: name, cutoff
-- ms (exclusive), max, the hash key prefix. Removes sagas of that name last updated before the cutoff.
local removed = 0
local max = tonumber(ARGV[3])
for k = 2, #KEYS do
  if removed >= max then break end
  local ids = redis.call('ZRANGEBYSCORE', KEYS[k], '-inf', '(' .. ARGV[2], 'LIMIT', 0, max - removed)
  for _, id in ipairs(ids) do
    if redis.call('HGET', ARGV[4] .. id, 'name') == ARGV[1] then
      redis.call('DEL', ARGV[4] .. id)
      redis.call('ZREM', KEYS[1], id)
      redis.call('ZREM', KEYS[k], id)
      removed = removed + 1
    end
  end
end
return removed
