-- uses: int debounce_state debounce_set debounce_done find_in_list
-- ARGV: id. Removes the waiting (available or delayed) job id; if it was a debounce key's pending job,
-- the key has none any more. Returns 1, or 0 if there is none.
local found = find_in_list(KEYS[1], ARGV[1])
if found then
  redis.call('LREM', KEYS[1], 1, found)
  debounce_done(ARGV[1])
  redis.call('HDEL', KEYS[9], ARGV[1])
  return 1
end
local prefix = 'v1|' .. ARGV[1] .. '|'
for _, e in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if string.sub(e, 1, #prefix) == prefix then
    redis.call('ZREM', KEYS[2], e)
    debounce_done(ARGV[1])
    redis.call('HDEL', KEYS[9], ARGV[1])
    return 1
  end
end
return 0
