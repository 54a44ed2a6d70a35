-- uses: now_ms parse
-- ARGV: id. Makes the delayed job id due now: its entry leaves the delayed set for the ready list
-- (behind the jobs waiting now), and the wake-up marker pushed with it stays for the claimers.
-- Returns 1, or 0 if no delayed job has that id.
local prefix = 'v1|' .. ARGV[1] .. '|'
local now = now_ms()
for _, e in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. now, '+inf')) do
  if string.sub(e, 1, #prefix) == prefix then
    redis.call('ZREM', KEYS[2], e)
    redis.call('LPUSH', KEYS[1], e)
    return 1
  end
end
return 0
