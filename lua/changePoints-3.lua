--[[
  changePoints: credits or spends a member's points, at most once per idempotency key, never below
  zero, and writes the change's event, in one atomic step. The scan
  script credits points wins on the same field with HINCRBY.

  KEYS (all of the member's home shard)
    1 member      hash of the member: points
    2 pointsKeys  hash idempotencyKey -> the balance answered when that key was applied
    3 events      the event stream

  ARGV
    1 delta (integer, may be negative)  2 idempotencyKey
    3 event JSON head: '{"id":"…","type":"points","at":"…","user":"…","delta":…,"reason":"…","idempotencyKey":"…"'
      (no closing brace); the script appends ',"points":<balance>}'

  Returns {code, balance}
    code: 1 applied now | 0 the key was applied before (balance: the answer given then)
          | -1 refused: the balance would fall below zero (balance: the current one; nothing written,
          the key stays free)
]]
local before = redis.call('HGET', KEYS[2], ARGV[2])
if before then return {0, tonumber(before)} end
local delta = tonumber(ARGV[1])
local balance = tonumber(redis.call('HGET', KEYS[1], 'points')) or 0
if balance + delta < 0 then return {-1, balance} end
balance = redis.call('HINCRBY', KEYS[1], 'points', delta)
redis.call('HSET', KEYS[2], ARGV[2], balance)
redis.call('XADD', KEYS[3], '*', 'j', ARGV[3] .. ',"points":' .. balance .. '}')
return {1, balance}
