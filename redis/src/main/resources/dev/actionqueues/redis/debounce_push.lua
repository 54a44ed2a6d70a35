-- ARGV: entry, id, window ms, always delay ('1' or '0').
-- Decides and pushes in one step. The state (KEYS[9]) is "<last run start ms>|<pending entry or empty>":
-- a pending entry is a run scheduled by this key that has not started (still delayed or ready).
-- Returns {'skip', pending id}, {'now', 0} or {'delayed', delay ms}.
local now = now_ms()
local window = tonumber(ARGV[3])
local state = redis.call('GET', KEYS[9])
local last, pending = nil, nil
if state then
  local sep = string.find(state, '|', 1, true)
  last = tonumber(string.sub(state, 1, sep - 1))
  pending = string.sub(state, sep + 1)
  if pending == '' then pending = nil end
end
if pending then
  local queued = redis.call('ZSCORE', KEYS[2], pending) ~= false
  if not queued then queued = redis.call('LPOS', KEYS[1], pending, 'MAXLEN', 10000) ~= false end
  if queued then
    local pid = parse(pending)
    return {'skip', pid or ''}
  end
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
if delay > 0 then
  enqueue(ARGV[1], delay, now)
else
  redis.call('LPUSH', KEYS[1], ARGV[1])
end
local keep = last - now + window
if keep < window then keep = window end
redis.call('SET', KEYS[9], tostring(last) .. '|' .. (delay > 0 and ARGV[1] or ''), 'PX', keep)
if delay > 0 then return {'delayed', tostring(delay)} end
return {'now', '0'}
