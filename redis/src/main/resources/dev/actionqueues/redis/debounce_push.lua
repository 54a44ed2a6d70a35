-- uses: now_ms int enqueue debounce_state debounce_set
-- ARGV: debounce key field (see KEYS[7]), entry, job id, window ms, always delay ('1' or '0').
-- Decides and pushes in one step, by the rules of the SPI's Debounce: skip while the key's pending job
-- has not been claimed, however long after its due time; else push after the window (always-delay
-- mode), at once if the last start is a window ago or more, else when it will be.
-- Returns {'skip', pending id, 0} or {'now', id, 0} or {'delayed', id, delay ms}.
local now = now_ms()
local field, entry, id, window = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local last, _, pending = debounce_state(redis.call('HGET', KEYS[7], field))
if pending then return {'skip', pending, '0'} end
local delay = 0
if ARGV[5] == '1' then
  delay = window
  last = now + window
elseif (not last) or now - last >= window then
  last = now
else
  delay = last + window - now
  last = last + window
end
-- First forget three keys picked at random if they have no pending job and their window has passed
-- (the rules allow it), so the state of keys no longer used does not pile up.
local sample = redis.call('HRANDFIELD', KEYS[7], 3, 'WITHVALUES')
for i = 1, #sample, 2 do
  local l, w, p = debounce_state(sample[i + 1])
  if (not p) and now >= l + w then redis.call('HDEL', KEYS[7], sample[i]) end
end
enqueue(entry, delay, now)
debounce_set(field, last, window, id)
redis.call('HSET', KEYS[8], id, field)
if delay > 0 then return {'delayed', id, int(delay)} end
return {'now', id, '0'}
