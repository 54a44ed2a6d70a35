-- uses:
-- KEYS[1] a zset of sagas by last update; ARGV: offset, limit, then the hash key prefix (the saga
-- id follows it). Returns, most recently updated first, per saga: id, name, status, journal, token,
-- cancel, updated (a saga whose hash vanished is skipped).
local ids = redis.call('ZREVRANGE', KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[1]) + tonumber(ARGV[2]) - 1)
local out = {}
for _, id in ipairs(ids) do
  local v = redis.call('HMGET', ARGV[3] .. id, 'name', 'status', 'journal', 'token', 'cancel', 'updated')
  if v[1] then
    table.insert(out, id)
    for i = 1, 6 do table.insert(out, v[i]) end
  end
end
return out
