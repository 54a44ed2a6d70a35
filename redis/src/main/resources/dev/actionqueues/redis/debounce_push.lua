-- uses: now_ms enqueue parse
-- ARGV: entry, window ms, always delay ('1' or '0').
-- Decides and pushes in one step. The state (KEYS[7]) is "<last due ms>|<pending entry or empty>":
-- the pending entry is the job this key last pushed, pending while it waits (delayed or ready).
-- Returns {'skip', pending id, 0} or {'now', id, 0} or {'delayed', id, delay ms}.
local now = now_ms()
local window = tonumber(ARGV[2])
local state = redis.call('GET', KEYS[7])
local last, pending = nil, nil
if state then
  local sep = string.find(state, '|', 1, true)
  last = tonumber(string.sub(state, 1, sep - 1))
  pending = string.sub(state, sep + 1)
  if pending == '' then pending = nil end
end
if pending then
  local queued = redis.call('ZSCORE', KEYS[2], pending) ~= false
  if not queued then queued = redis.call('LPOS', KEYS[1], pending) ~= false end
  if queued then
    local pid = parse(pending)
    return {'skip', pid or '', '0'}
  end
end
local id = parse(ARGV[1])
local delay
if ARGV[3] == '1' then
  delay = window
elseif (not last) or now - last >= window then
  delay = 0
  last = now
else
  delay = last + window - now
  last = last + window
end
if ARGV[3] == '1' then last = now + window end
enqueue(ARGV[1], delay, now)
local keep = last - now + window
if keep < window then keep = window end
redis.call('SET', KEYS[7], tostring(last) .. '|' .. ARGV[1], 'PX', keep)
if delay > 0 then return {'delayed', id, tostring(delay)} end
return {'now', id, '0'}
