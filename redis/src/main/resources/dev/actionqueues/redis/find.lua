-- uses: find_in_list parse
-- ARGV: id. Returns the payload of the waiting (available or delayed) job id, or false. O(n): admin calls only.
local found = find_in_list(KEYS[1], ARGV[1])
if not found then
  local prefix = 'v1|' .. ARGV[1] .. '|'
  for _, e in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    if string.sub(e, 1, #prefix) == prefix then
      found = e
      break
    end
  end
end
if not found then return false end
local _, _, payload = parse(found)
return payload
