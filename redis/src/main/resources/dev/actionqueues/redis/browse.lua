-- uses: now_ms int parse
-- ARGV: state ('waiting' | 'delayed' | 'in_flight'), cursor ('' for the first page), limit.
-- Keyset pages, no count of the whole queue. Cursors:
--   waiting:   'L:<pos>:<id>', pos = the last shown entry's position counted from the list's tail (the
--              next to be claimed is 1); if that entry moved (claims pop the tail, reclaimed leases
--              are pushed back there), it is looked for nearer the tail; if gone, the page starts at
--              the tail again (jobs before a claimed one were claimed too). An empty id trusts pos.
--              After the list come the delayed jobs already due that no claim has moved yet.
--   delayed:   'D:<due ms>:<entries shown at that due ms>'.
--   in_flight: 'F:<expiry ms>:<id>' (the lease zset orders equal expiries by id).
-- Entries not written by actionqueues and wake-up markers are skipped.
-- Returns {next cursor or '', id, payload, due ms or '', lease expiry ms or '', deliveries, ...}.
local state, cursor, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local now = now_ms()
local out = {''}
local shown = 0
local function add(id, payload, due, lease, deliveries)
  out[#out + 1] = id
  out[#out + 1] = payload
  out[#out + 1] = due
  out[#out + 1] = lease
  out[#out + 1] = int(deliveries)
  shown = shown + 1
end
local function split(c)
  local a = string.find(c, ':', 3, true)
  return string.sub(c, 3, a - 1), string.sub(c, a + 1)
end
-- The delayed entries with scores from lo to hi, from the cursor c on.
local function zpage(c, lo, hi)
  local from, skip = lo, 0
  if c ~= '' then
    local s, k = split(c)
    from, skip = s, tonumber(k)
  end
  local last = from
  local want = limit - shown + 1
  local batch = redis.call('ZRANGEBYSCORE', KEYS[2], from, hi, 'WITHSCORES', 'LIMIT', skip, want)
  local atLast = skip
  for i = 1, #batch, 2 do
    local e, score = batch[i], batch[i + 1]
    local id, deliveries, payload = parse(e)
    if id and shown == limit then
      out[1] = 'D:' .. last .. ':' .. int(atLast)
      return
    end
    if score == last then atLast = atLast + 1 else last, atLast = score, 1 end
    if id then add(id, payload, score, '', deliveries) end
  end
  if #batch == 2 * want then out[1] = 'D:' .. last .. ':' .. int(atLast) end
end
if state == 'in_flight' then
  local from, after = '-inf', nil
  if cursor ~= '' then from, after = split(cursor) end
  local want = limit + 1
  local ids = redis.call('ZRANGEBYSCORE', KEYS[3], from, '+inf', 'WITHSCORES', 'LIMIT', 0, want + 100)
  local lastScore, lastId = nil, nil
  for i = 1, #ids, 2 do
    local id, score = ids[i], ids[i + 1]
    if after == nil or score ~= from or id > after then
      local rec = redis.call('HGET', KEYS[4], id)
      local entry = rec and string.sub(rec, string.find(rec, '|', 1, true) + 1)
      local jid, deliveries, payload = parse(entry or '')
      if jid and shown == limit then
        out[1] = 'F:' .. lastScore .. ':' .. lastId
        return out
      end
      lastScore, lastId = score, id
      if jid then add(jid, payload, '', score, deliveries) end
    end
  end
  if #ids == 2 * (want + 100) and lastId then out[1] = 'F:' .. lastScore .. ':' .. lastId end
  return out
elseif state == 'delayed' then
  zpage(cursor, '(' .. int(now), '+inf')
  return out
end
-- waiting: the ready list from its tail, then the due delayed jobs
if string.sub(cursor, 1, 2) ~= 'D:' then
  local pos = 0
  if cursor ~= '' then
    local p, id = split(cursor)
    pos = tonumber(p)
    if id ~= '' then
      local prefix = 'v1|' .. id .. '|'
      local at = redis.call('LINDEX', KEYS[1], -pos)
      if not (at and string.sub(at, 1, #prefix) == prefix) then
        local near = redis.call('LRANGE', KEYS[1], -pos, -1)
        pos = 0
        for i = #near, 1, -1 do
          if string.sub(near[i], 1, #prefix) == prefix then
            pos = #near - i + 1
            break
          end
        end
      end
    end
  end
  local lastPos, lastId = pos, ''
  local scanned, budget = 0, 4 * limit + 1000
  while true do
    local chunk = redis.call('LRANGE', KEYS[1], -(pos + limit + 1), -(pos + 1))
    for i = #chunk, 1, -1 do
      pos = pos + 1
      local id, deliveries, payload = parse(chunk[i])
      if id then
        if shown == limit then
          out[1] = 'L:' .. int(lastPos) .. ':' .. lastId
          return out
        end
        add(id, payload, '', '', deliveries)
        lastPos, lastId = pos, id
      end
    end
    scanned = scanned + #chunk
    if #chunk < limit + 1 then break end
    if scanned >= budget then
      -- markers or foreign entries filled what one call may read: the next page goes on after them
      out[1] = 'L:' .. int(pos) .. ':'
      return out
    end
  end
  cursor = ''
end
zpage(cursor, '-inf', int(now))
return out
