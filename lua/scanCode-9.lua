--[[
  scanCode: one scan of one code, atomically. The only Redis call of the scan hot path.

  Reads and checks everything first, then writes with commands that cannot fail: Lua has no rollback.

  KEYS (all under one shard hash tag)
    1 batchStatus    hash batchId -> a (active) | p (pending) | v (void)
    2 seen           bitmap of the batch, bit = serial consumed
    3 code           hash: record of this code (u user, t first ms, e eventId, o outcome, p prize JSON, n scans)
    4 member         hash: blocked, level, points, wins
    5 events         stream of scan events
    6 campaignState  hash: s:<prize> stock left, b:<prize> budget left, w:<prize> won
    7 campaignStats  hash: scans, o:<outcome>, r:<reason>
    8 campaignDay    hash of today (campaign timezone): w:<prize> wins
    9 campaignUser   hash of this user in the campaign: w:<prize> wins

  ARGV
    1 batchId   2 serial   3 user   4 now (ms)   5 eventId
    6 event JSON fragment known before the draw (no braces)
    7 campaignId, "" when no live campaign covers the code
    8 level map: 10 characters, one per member level 0..9: "0" no prize, "1".."9" index of the prize spec
      drawn for that level (the draw itself happened in the engine with a random integer from crypto)
    9 number of prize specs
    10.. prize specs, 8 values each: id, prize JSON, amount, hasStock (0|1), hasBudget (0|1),
         dailyCap (0 = none), perUserCap (0 = none), isPoints (0|1)

  Returns {outcome, reason, scanCount, firstAtMs, sameUser (0|1), prizeJSON,
           originalEventId, originalOutcome, originalPrizeJSON}
    outcome: won | lost | verified | repeat | blocked | error
    reason:  "" | no_prize | out_of_stock | daily_cap | user_cap | budget
             | blacklisted | batch_pending | batch_void | no_batch (with error)
]]

local batchId, serial, user, now, eventId = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local campaignId = ARGV[7]
local hasCampaign = campaignId ~= ''

local function emit(outcome, reason, prizeJson, count)
  redis.call('XADD', KEYS[5], '*', 'b', ARGV[6], 'o', outcome, 'r', reason, 'p', prizeJson, 'n', count)
  if hasCampaign then
    redis.call('HINCRBY', KEYS[7], 'scans', 1)
    redis.call('HINCRBY', KEYS[7], 'o:' .. outcome, 1)
    if reason ~= '' then redis.call('HINCRBY', KEYS[7], 'r:' .. reason, 1) end
  end
end

-- 1. refusals that never consume the code
local status = redis.call('HGET', KEYS[1], batchId)
if not status then
  return {'error', 'no_batch', 0, 0, 0, '', '', '', ''}
end
if status ~= 'a' then
  local reason = status == 'p' and 'batch_pending' or 'batch_void'
  emit('blocked', reason, '', 0)
  return {'blocked', reason, 0, 0, 0, '', '', '', ''}
end
local member = redis.call('HMGET', KEYS[4], 'blocked', 'level')
if member[1] == '1' then
  emit('blocked', 'blacklisted', '', 0)
  return {'blocked', 'blacklisted', 0, 0, 0, '', '', '', ''}
end

-- 2. repeat: the code was consumed before
if redis.call('GETBIT', KEYS[2], serial) == 1 then
  local count = redis.call('HINCRBY', KEYS[3], 'n', 1)
  local rec = redis.call('HMGET', KEYS[3], 'u', 't', 'e', 'o', 'p')
  local sameUser = rec[1] == user
  emit('repeat', '', '', count)
  if sameUser then
    return {'repeat', '', count, rec[2] or now, 1, '', rec[3] or '', rec[4] or '', rec[5] or ''}
  end
  return {'repeat', '', count, rec[2] or now, 0, '', '', '', ''}
end

-- 3. first scan: the draw (checks first, then writes)
local outcome, reason, prizeJson = 'verified', '', ''
if hasCampaign then
  local level = tonumber(member[2]) or 0
  if level < 0 then level = 0 elseif level > 9 then level = 9 end
  local specIndex = tonumber(string.sub(ARGV[8], level + 1, level + 1)) or 0
  if specIndex == 0 then
    outcome, reason = 'lost', 'no_prize'
  else
    local b = 10 + (specIndex - 1) * 8
    local id, json, amount = ARGV[b], ARGV[b + 1], tonumber(ARGV[b + 2])
    local hasStock, hasBudget = ARGV[b + 3] == '1', ARGV[b + 4] == '1'
    local dailyCap, perUserCap, isPoints = tonumber(ARGV[b + 5]), tonumber(ARGV[b + 6]), ARGV[b + 7] == '1'
    if hasStock and (tonumber(redis.call('HGET', KEYS[6], 's:' .. id)) or 0) <= 0 then
      reason = 'out_of_stock'
    elseif dailyCap > 0 and (tonumber(redis.call('HGET', KEYS[8], 'w:' .. id)) or 0) >= dailyCap then
      reason = 'daily_cap'
    elseif perUserCap > 0 and (tonumber(redis.call('HGET', KEYS[9], 'w:' .. id)) or 0) >= perUserCap then
      reason = 'user_cap'
    elseif hasBudget and (tonumber(redis.call('HGET', KEYS[6], 'b:' .. id)) or 0) < amount then
      reason = 'budget'
    end
    if reason ~= '' then
      outcome = 'lost'
    else
      outcome, prizeJson = 'won', json
      if hasStock then redis.call('HINCRBY', KEYS[6], 's:' .. id, -1) end
      if hasBudget then redis.call('HINCRBY', KEYS[6], 'b:' .. id, -amount) end
      redis.call('HINCRBY', KEYS[6], 'w:' .. id, 1)
      if redis.call('HINCRBY', KEYS[8], 'w:' .. id, 1) == 1 then redis.call('EXPIRE', KEYS[8], 259200) end
      redis.call('HINCRBY', KEYS[9], 'w:' .. id, 1)
      redis.call('HINCRBY', KEYS[4], 'wins', 1)
      if isPoints then redis.call('HINCRBY', KEYS[4], 'points', amount) end
    end
  end
end

redis.call('SETBIT', KEYS[2], serial, 1)
redis.call('HSET', KEYS[3], 'u', user, 't', now, 'e', eventId, 'o', outcome, 'p', prizeJson, 'n', 1)
emit(outcome, reason, prizeJson, 1)
return {outcome, reason, 1, now, 1, prizeJson, '', '', ''}
