--[[
  patchCampaign: one operator change of a campaign's live state, applied to one shard
  together with its event, so that no change exists without its event and no event without its change.

  KEYS
    1 campaignState  hash: state (live|paused|ended; absent = live), end (endsAt ms; absent = the
                     definition's), s:<prize> stock left, b:<prize> budget left, ts:<prize> / tb:<prize>
                     stock / budget topped up in total (the names: src/redis/campaign-fields.ts)
    2 events         the shard's event stream: the change's event is appended as one field j

  ARGV
    1 the complete event JSON ({"id":…,"type":"campaign",…})
    2 new state: live | paused | ended, "" = unchanged
    3 new end in epoch ms, "" = unchanged
    4 number of top-ups n, then n triples: prize id, stock to add, budget to add (integers >= 0)

  Returns
    1  applied
    -1 the campaign is ended (ended is final): nothing written
]]
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'ended' then return -1 end

-- every check is above; the writes below cannot fail
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'state', ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'end', ARGV[3]) end
local n = tonumber(ARGV[4])
for i = 0, n - 1 do
  local prize, stock, budget = ARGV[5 + i * 3], tonumber(ARGV[6 + i * 3]), tonumber(ARGV[7 + i * 3])
  if stock > 0 then
    redis.call('HINCRBY', KEYS[1], 's:' .. prize, stock)
    redis.call('HINCRBY', KEYS[1], 'ts:' .. prize, stock)
  end
  if budget > 0 then
    redis.call('HINCRBY', KEYS[1], 'b:' .. prize, budget)
    redis.call('HINCRBY', KEYS[1], 'tb:' .. prize, budget)
  end
end
redis.call('XADD', KEYS[2], '*', 'j', ARGV[1])
return 1
