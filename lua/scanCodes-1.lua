--[[
  scanCodes: the scans of one event-loop turn of one engine, for one shard, each decided atomically and
  in arrival order. The only Redis call of the scan hot path: one call carries every scan that arrived in
  the same turn, so its fixed costs (dispatch, socket reads and writes, the client's command) are shared.

  Order within a scan: refusals that never consume the code (batch status, blacklist, IP and user limits,
  geofence), then repeat or first scan, the draw for the scanner, the clerk's draw, leaderboards, the
  event. Every check reads before any write of its step; writes use commands that cannot fail (no
  rollback).

  KEYS
    1 the event stream of the shard: every scan's event goes there (it also routes the call on Redis
      Cluster; every key below carries the same hash tag)

  ARGV
    1 MessagePack array of scans; each scan is {keys, args}: the per-scan key list k and argument list a
      below (all strings)

  Returns one string: 9 values per scan, in the order of the scans (see "Returns per scan"), all joined
  by the unit separator \31 (char 31).

  Per-scan keys k (all under the shard's hash tag)
    1 batchStatus    hash batchId -> a (active) | p (pending) | v (void)
    2 seen           bitmap of the batch, bit = serial consumed
    3 code           hash: record of this code (u user, t first ms, e eventId, o outcome, p prize JSON, n scans)
    4 member         hash of the scanner: blocked, level, points, wins
    5 campaignState  hash: s:<prize> stock left, b:<prize> budget left, w:<prize> won, state (paused: see step 1)
    6 campaignStats  hash: o:<outcome> or o:<outcome>:<reason> (scans = their sum), diverted,
                     arrival (counter of first scans attributed to a shop or clerk)
    7 campaignDay    hash of today in the campaign time zone: w:<prize> wins, us:<user> scans, uw:<user> wins
    8 scannerWins    hash of the scanner in the campaign: w:<prize> wins
    9 clerkWins      hash of the clerk in the campaign: w:<prize> wins
   10 ipMinute       counter of this client IP in this minute
   11 box            hash of the box: shop, lat, lng, at (the box that holds this item, or this box code itself)
   12 shopBoard      sorted set: shops by first scans; score = scans * 2^32 + (2^32 - 1 - arrival)
   13 clerkBoard     sorted set: clerks, same score

  Per-scan arguments a
    1 batchId  2 serial  3 user  4 now (ms)  5 eventId
    6 event JSON fragment known before the script (no braces)
    7 campaignId, "" when no live campaign covers the code
    8 kind: item | box
    9 shop ("" none)  10 clerk ("" none)  11 lat  12 lng ("" none)
   13 region lat  14 region lng  15 region radius km ("" when the batch has no region)
   16 radius km around the shop that opened a box, for items of a box without a region;
      "" when the item batch is not packed in boxes (the box key is then not read)
   17 geofence: off | flag | block
   18 userScansPerDay  19 userWinsPerDay  20 ipScansPerMinute (0 = no limit)
   21 level map: 10 characters, one per member level 0..9: "0" no prize, "1".."9" the spec drawn for
      that level (the draw itself happened in the engine with a random integer from crypto)
   22 clerk spec: "0" no clerk prize, else the index of the spec drawn for the clerk
   23 number of prize specs
   24.. prize specs, 8 values each: id, prize JSON, amount, hasStock (0|1), hasBudget (0|1),
        dailyCap (0 = none), perUserCap (0 = none), isPoints (0|1)

  Returns per scan {outcome, reason, scanCount, firstAtMs, sameUser (0|1), prizeJSON,
           originalEventId, originalOutcome, originalPrizeJSON}
    outcome: won | lost | verified | repeat | blocked | error
    reason:  "" | no_prize | out_of_stock | daily_cap | user_cap | budget | blacklisted
             | user_daily_limit | ip_limit | geofence | batch_pending | batch_void | campaign_paused
             | no_batch (error) | script_error (error; the 7th value holds the Redis error message)
]]

-- k, a: the keys and arguments of the scan being decided; the helpers below read them and the values
-- derived from them as upvalues, set afresh for every scan by scanOne
local k, a
local serial, user, now, campaignId, kind, hasCampaign, shop, clerk, lat, lng
local userScansPerDay, userWinsPerDay, ipPerMinute, diverted
local SPECS = 24
local TWO32 = 4294967296

-- per call: day hashes given their TTL already (once is enough), the stats counters to add at
-- the end (write-only in here, so one HINCRBY per distinct counter instead of one per scan), and the
-- status of each batch read so far (only other commands change it, never a scan)
local ttlSet, statAdds, batchStatus = {}, {}, {}

-- the day hash lives three days; its TTL is set when one of its fields is first created
local function dayTtl(key)
  if not ttlSet[key] then
    redis.call('EXPIRE', key, 259200)
    ttlSet[key] = true
  end
end

local function countStat(key, field)
  local t = statAdds[key]
  if not t then
    t = {}
    statAdds[key] = t
  end
  t[field] = (t[field] or 0) + 1
end

--@include prizeChecks

-- every redis.call costs about a microsecond of its own: fields and counters at their defaults
-- (no shop, not diverted, no clerk prize) are left out
local function emit(outcome, reason, prizeJson, count, clerkJson)
  if shop == '' and diverted == '0' and clerkJson == '' then
    redis.call('XADD', KEYS[1], '*', 'b', a[6], 'o', outcome, 'r', reason, 'p', prizeJson, 'n', count)
  else
    redis.call('XADD', KEYS[1], '*', 'b', a[6], 'o', outcome, 'r', reason, 'p', prizeJson, 'n', count,
      's', shop, 'd', diverted, 'k', clerkJson)
  end
  if not hasCampaign then return end
  -- one counter per outcome and reason (o:won, o:lost:no_prize, o:blocked:ip_limit, …); the number of
  -- scans is their sum, so it costs no command of its own
  countStat(k[6], reason == '' and ('o:' .. outcome) or ('o:' .. outcome .. ':' .. reason))
  if diverted == '1' then countStat(k[6], 'diverted') end
end

local function dayIncr(field, by)
  if redis.call('HINCRBY', k[7], field, by) == by then dayTtl(k[7]) end
end

local function blocked(reason)
  emit('blocked', reason, '', 0, '')
  return {'blocked', reason, 0, 0, 0, '', '', '', ''}
end

-- who got there first wins ties: arrival order (a counter of attributed first scans) is part of the score
local function rank(board, member, arrival)
  local score = tonumber(redis.call('ZSCORE', board, member)) or 0
  local scans = math.floor(score / TWO32) + 1
  redis.call('ZADD', board, scans * TWO32 + (TWO32 - 1 - arrival), member)
end

local function km(lat1, lng1, lat2, lng2)
  local r = math.pi / 180
  local a = math.sin((lat2 - lat1) * r / 2) ^ 2 + math.cos(lat1 * r) * math.cos(lat2 * r) * math.sin((lng2 - lng1) * r / 2) ^ 2
  return 12742 * math.asin(math.min(1, math.sqrt(a)))
end

local function scanOne()
  serial, user, now = tonumber(a[2]), a[3], a[4]
  campaignId, kind = a[7], a[8]
  hasCampaign = campaignId ~= ''
  shop, clerk, lat, lng = a[9], a[10], a[11], a[12]
  userScansPerDay, userWinsPerDay, ipPerMinute = tonumber(a[18]), tonumber(a[19]), tonumber(a[20])
  diverted = '0'

  -- 1. refusals that never consume the code
  local status = batchStatus[a[1]]
  if status == nil then
    status = redis.call('HGET', k[1], a[1])
    batchStatus[a[1]] = status
  end
  if not status then return {'error', 'no_batch', 0, 0, 0, '', '', '', ''} end
  if status == 'p' then return blocked('batch_pending') end
  if status == 'v' then return blocked('batch_void') end
  local member = redis.call('HMGET', k[4], 'blocked', 'level')
  if member[1] == '1' then return blocked('blacklisted') end

  -- an item of an opened box inherits the shop, and its place when the item batch has no region
  local refLat, refLng, refKm = a[13], a[14], a[15]
  if kind == 'item' and a[16] ~= '' then
    local box = redis.call('HMGET', k[11], 'shop', 'lat', 'lng')
    if shop == '' and box[1] then shop = box[1] end
    if refLat == '' and box[2] then refLat, refLng, refKm = box[2], box[3], a[16] end
  end

  if hasCampaign then
    -- a paused campaign refuses first scans without consuming the code; repeats are answered as usual
    if redis.call('HGET', k[5], 'state') == 'paused' and redis.call('GETBIT', k[2], serial) == 0 then
      return blocked('campaign_paused')
    end
    if ipPerMinute > 0 then
      -- every attempt counts, refused ones too: a farm behind one IP stays refused
      local n = redis.call('INCR', k[10])
      if n == 1 then redis.call('EXPIRE', k[10], 120) end
      if n > ipPerMinute then return blocked('ip_limit') end
    end
    if userScansPerDay > 0 then
      -- counted before the check, like the IP limit: one command instead of a read and a write; a scan
      -- refused further down (geofence) still counts as one of the user's scans that day
      local n = redis.call('HINCRBY', k[7], 'us:' .. user, 1)
      if n == 1 then dayTtl(k[7]) end
      if n > userScansPerDay then return blocked('user_daily_limit') end
    end
    if a[17] ~= 'off' and lat ~= '' and refLat ~= '' then
      if km(tonumber(lat), tonumber(lng), tonumber(refLat), tonumber(refLng)) > tonumber(refKm) then
        if a[17] == 'block' then return blocked('geofence') end
        diverted = '1'
      end
    end
  end

  -- 2. consume the code; it was consumed before: a repeat
  -- (everything that can refuse a scan was checked above, so the bit is set only for a scan that counts)
  if redis.call('SETBIT', k[2], serial, 1) == 1 then
    local count = redis.call('HINCRBY', k[3], 'n', 1)
    local rec = redis.call('HMGET', k[3], 'u', 't', 'e', 'o', 'p')
    emit('repeat', '', '', count, '')
    if rec[1] == user then
      return {'repeat', '', count, rec[2] or now, 1, '', rec[3] or '', rec[4] or '', rec[5] or ''}
    end
    return {'repeat', '', count, rec[2] or now, 0, '', '', '', ''}
  end

  -- 3. first scan: the scanner's draw, then the clerk's
  local outcome, reason, prizeJson, clerkJson = 'verified', '', '', ''
  if hasCampaign then
    local level = tonumber(member[2]) or 0
    if level < 0 then level = 0 elseif level > 9 then level = 9 end
    local spec = tonumber(string.sub(a[21], level + 1, level + 1)) or 0
    if spec == 0 then
      outcome, reason = 'lost', 'no_prize'
    else
      local b = SPECS + (spec - 1) * 8
      reason = prizeBlocker(b, k[5], k[7], k[8])
      if reason == '' and userWinsPerDay > 0 and (tonumber(redis.call('HGET', k[7], 'uw:' .. user)) or 0) >= userWinsPerDay then
        reason = 'user_cap'
      end
      if reason ~= '' then
        outcome = 'lost'
      else
        local amount, isPoints
        outcome = 'won'
        prizeJson, amount, isPoints = awardPrize(b, k[5], k[7], k[8])
        redis.call('HINCRBY', k[4], 'wins', 1)
        if isPoints then redis.call('HINCRBY', k[4], 'points', amount) end
        if userWinsPerDay > 0 then dayIncr('uw:' .. user, 1) end
      end
    end
    local clerkSpec = tonumber(a[22]) or 0
    if clerk ~= '' and clerkSpec > 0 then
      local b = SPECS + (clerkSpec - 1) * 8
      if prizeBlocker(b, k[5], k[7], k[9]) == '' then
        clerkJson = awardPrize(b, k[5], k[7], k[9])
      end
    end
  end

  redis.call('HSET', k[3], 'u', user, 't', now, 'e', a[5], 'o', outcome, 'p', prizeJson, 'n', 1)
  if kind == 'box' then
    redis.call('HSET', k[11], 'shop', shop, 'at', now)
    if lat ~= '' then redis.call('HSET', k[11], 'lat', lat, 'lng', lng) end
  end
  emit(outcome, reason, prizeJson, 1, clerkJson)
  if hasCampaign and (shop ~= '' or clerk ~= '') then
    local arrival = redis.call('HINCRBY', k[6], 'arrival', 1)
    if shop ~= '' then rank(k[12], shop, arrival) end
    if clerk ~= '' then rank(k[13], clerk, arrival) end
  end
  return {outcome, reason, 1, now, 1, prizeJson, '', '', ''}
end
-- the scans of the call, in arrival order; each is decided on the state the ones before it left
local scans = cmsgpack.unpack(ARGV[1])
local out, n = {}, 0
for i = 1, #scans do
  k, a = scans[i][1], scans[i][2]
  -- a failing command (a key of the wrong type, say) fails its own scan, not the others of the call;
  -- what that scan wrote before the failure stays (no rollback), as it would in a call of its own
  local ok, reply = pcall(scanOne)
  if not ok then
    local msg = type(reply) == 'table' and reply.err or tostring(reply)
    reply = {'error', 'script_error', 0, 0, 0, '', string.gsub(string.sub(msg, 1, 200), '%c', ' '), '', ''}
  end
  for j = 1, 9 do out[n + j] = reply[j] end
  n = n + 9
end
-- the scans are decided and written by now: a stats key that cannot take the counts (a key of the
-- wrong type, say) loses them, logged in Redis' log, rather than failing answers whose writes stand
for key, fields in pairs(statAdds) do
  local ok, err = pcall(function()
    for field, by in pairs(fields) do redis.call('HINCRBY', key, field, by) end
  end)
  if not ok then
    redis.log(redis.LOG_WARNING, 'scanlot: stats counts for ' .. key .. ' lost: ' .. (type(err) == 'table' and tostring(err.err) or tostring(err)))
  end
end
-- one string: the client decodes one reply instead of nine per scan. No value holds a control
-- character (JSON escapes them; ids, outcomes and numbers have none), so \31 cannot occur inside one.
return table.concat(out, '\31')
