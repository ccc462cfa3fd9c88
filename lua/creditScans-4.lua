--[[
  creditScans: 满N次 with several shards. A scan counts the user's first scans in a campaign in the user's
  hash on the code's shard (n:<cid>, lua/scanCodes-1.lua); summed over the shards, every N-th grants one
  draw chance. The engine reads the counts (they only grow) and sends their sum here, to the user's home
  shard, before a draw and when the balances are read: the chances not credited yet (floor(sum / N) minus
  pc:<cid>, the thresholds credited so far) are added to the balance, each with its event, in one atomic
  step. A sum read before a later scan only credits less, never twice: the credited count only grows.

  KEYS (all of the user's home shard)
    1 chances  hash campaignId -> draw chances left
    2 user     the user's hash (a member's, or an anonymous visitor's counters): pc:<cid> thresholds credited
    3 events   the event stream
    4 clock shift (absent: none)

  ARGV
    1 campaignId  2 N (perScans)  3 the user's counted first scans, summed over the shards
    4 event id prefix: the k-th threshold's event is '<prefix>-<k>'
    5 event JSON middle: ',"user":…,"campaignId":…' (JSON-escaped by the engine)

  Each credited chance is an event '{"id":"<prefix>-<k>","type":"chance","at":…,"user":…,"campaignId":…,
  "delta":1,"reason":"perScans","source":"scan","scans":<k*N>,"chances":<balance>}', the shape the scan
  script writes with one shard.

  Returns {chances credited now, balance}
]]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000) + (tonumber(redis.call('GET', KEYS[4])) or 0)
local cid, n = ARGV[1], tonumber(ARGV[2])
local target = math.floor(tonumber(ARGV[3]) / n)
local field = 'pc:' .. cid
local credited = tonumber(redis.call('HGET', KEYS[2], field)) or 0
if target <= credited then
  return {0, tonumber(redis.call('HGET', KEYS[1], cid)) or 0}
end
-- isoOf(ms): an event's "at" (lua/includes/iso-time.lua)
--@include iso-time
local at = isoOf(now)
local balance = 0
for k = credited + 1, target do
  balance = redis.call('HINCRBY', KEYS[1], cid, 1)
  redis.call('XADD', KEYS[3], '*', 'j', '{"id":"' .. ARGV[4] .. '-' .. k .. '","type":"chance","at":"' .. at .. '"' .. ARGV[5] ..
    ',"delta":1,"reason":"perScans","source":"scan","scans":' .. (k * n) .. ',"chances":' .. balance .. '}')
end
redis.call('HSET', KEYS[2], field, string.format('%d', target))
return {target - credited, balance}
