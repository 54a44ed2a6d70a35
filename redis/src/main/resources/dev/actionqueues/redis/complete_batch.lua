-- ARGV: id1, token1, id2, token2, ... Completes each job whose lease is held. Returns a list of 1/0.
local out = {}
for i = 1, #ARGV, 2 do
  if holds(ARGV[i], ARGV[i + 1]) then
    forget(ARGV[i])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
