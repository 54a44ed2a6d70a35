-- uses: now_ms int minus entry_of parse held release_lease debounce_state debounce_set debounce_done claim_jobs
-- ARGV: lease ms, jobs to claim, then id1, token1, id2, token2, ... to complete first.
-- Returns {completed flags as a string of 0/1, then what claim_jobs returns}.
local now = now_ms()
local flags = {}
for i = 3, #ARGV, 2 do
  if held(ARGV[i], ARGV[i + 1]) then
    release_lease(ARGV[i])
    redis.call('HDEL', KEYS[9], ARGV[i])
    flags[#flags + 1] = '1'
  else
    flags[#flags + 1] = '0'
  end
end
local wanted = tonumber(ARGV[2])
local out
if wanted > 0 then
  out = claim_jobs(now, tonumber(ARGV[1]), wanted)
else
  out = {'jobs', int(now)}
end
table.insert(out, 1, table.concat(flags))
return out
