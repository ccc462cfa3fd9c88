--[[
  changePoints: credits or spends a member's points, at most once per idempotency key, never below
  zero, and writes the change's event, in one atomic step. The scan script credits points wins on the
  same field with HINCRBY. The key is stored with a hash of the request it came with: the same key
  with another request (another delta or reason) is refused, never answered as if it had been applied.

  KEYS (all of the member's home shard)
    1 member      hash of the member: points
    2 pointsKeys  hash idempotencyKey -> '<request hash> <balance answered>' (older entries: the balance alone)
    3 events      the event stream

  ARGV
    1 delta (integer, may be negative)  2 idempotencyKey  4 request hash (hex, no spaces)
    3 event JSON head: '{"id":"…","type":"points","at":"…","user":"…","delta":…,"reason":"…","idempotencyKey":"…"'
      (no closing brace); the script appends ',"points":<balance>}'

  Returns {code, balance}
    code: 1 applied now | 0 the key was applied before (balance: the answer given then)
          | -1 refused: the balance would fall below zero (balance: the current one; nothing written,
          the key stays free)
          | -2 the key was applied before with another request (balance: the answer given then)
]]
local before = redis.call('HGET', KEYS[2], ARGV[2])
if before then
  local hash, answered = string.match(before, '^(%S+) (%-?%d+)$')
  if hash == nil then return {0, tonumber(before)} end
  if hash ~= ARGV[4] then return {-2, tonumber(answered)} end
  return {0, tonumber(answered)}
end
local delta = tonumber(ARGV[1])
local balance = tonumber(redis.call('HGET', KEYS[1], 'points')) or 0
if balance + delta < 0 then return {-1, balance} end
balance = redis.call('HINCRBY', KEYS[1], 'points', delta)
redis.call('HSET', KEYS[2], ARGV[2], ARGV[4] .. ' ' .. balance)
redis.call('XADD', KEYS[3], '*', 'j', ARGV[3] .. ',"points":' .. balance .. '}')
return {1, balance}
