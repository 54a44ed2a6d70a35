-- ARGV: id, payload, window ms, always delay ('1' or '0'), max deliveries.
-- Decides and pushes in one step. The state (KEYS[12]) is "<last run start ms>:<pending id or empty>".
-- Returns {'skip', pending id} (collapsed into a run that has not started), {'now', 0} or {'delayed', delay ms}.
local now = now_ms()
local id, window = ARGV[1], tonumber(ARGV[3])
local state = redis.call('GET', KEYS[12])
local last, pending = nil, nil
if state then
  local sep = string.find(state, ':', 1, true)
  last = tonumber(string.sub(state, 1, sep - 1))
  pending = string.sub(state, sep + 1)
  if pending == '' then pending = nil end
end
if pending and redis.call('HEXISTS', KEYS[4], pending) == 1 and redis.call('ZSCORE', KEYS[3], pending) == false then
  return {'skip', pending}
end
local delay
if ARGV[4] == '1' then
  delay = window
  last = now + window
elseif (not last) or now - last >= window then
  delay = 0
  last = now
else
  delay = last + window - now
  last = last + window
end
if redis.call('HSETNX', KEYS[4], id, ARGV[2]) == 0 then
  return {'duplicate', 0}
end
redis.call('HSET', KEYS[7], id, ARGV[5])
enqueue(id, delay, now)
local keep = last - now + window
if keep < window then keep = window end
redis.call('SET', KEYS[12], tostring(last) .. ':' .. (delay > 0 and id or ''), 'PX', keep)
if delay > 0 then return {'delayed', tostring(delay)} end
return {'now', '0'}
