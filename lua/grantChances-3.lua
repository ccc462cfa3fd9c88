--[[
  grantChances: adds draw chances to a user's balance in one campaign, at most once per idempotency key
  (拼团成功, 支付有礼: another system grants them), and writes the grant's event, in one atomic step. The
  key is stored with a hash of the request it came with: the same key with another request (another
  count or reason) is refused, never answered as if it had been applied.

  KEYS (all of the user's home shard)
    1 chances    hash campaignId -> draw chances left
    2 chanceKeys hash "<campaignId>|<idempotencyKey>" -> '<request hash> <balance answered>'
    3 events     the event stream

  ARGV
    1 campaignId  2 count (integer ≥ 1)  3 "<campaignId>|<idempotencyKey>"  4 request hash (hex, no spaces)
    5 event JSON head: '{"id":…,"type":"chance",…' without the closing brace; the script appends
      ',"chances":<balance>}'

  Returns {code, balance}
    code: 1 granted now | 0 the key was applied before (balance: the answer given then)
          | -2 the key was applied before with another request (balance: the answer given then)
]]
local before = redis.call('HGET', KEYS[2], ARGV[3])
if before then
  local hash, answered = string.match(before, '^(%S+) (%-?%d+)$')
  if hash ~= ARGV[4] then return {-2, tonumber(answered)} end
  return {0, tonumber(answered)}
end
local balance = redis.call('HINCRBY', KEYS[1], ARGV[1], tonumber(ARGV[2]))
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4] .. ' ' .. balance)
redis.call('XADD', KEYS[3], '*', 'j', ARGV[5] .. ',"chances":' .. balance .. '}')
return {1, balance}
