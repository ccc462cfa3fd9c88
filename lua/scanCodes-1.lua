#!lua
--[[
  scanCodes: the scans of one event-loop turn of one engine, for one shard, each decided atomically and
  in arrival order. A deployment has S shards (src/redis/keys.ts): a code lives in one shard, a campaign's
  stock, budget, daily caps and released units are split into per-shard buckets (this shard's part of a
  total: `share`, plus units moved in or out by src/buckets), and a user's limits are counted in the user's
  hash on the user's home shard (an IP's on the IP's home shard). A scan whose user (or IP) lives in
  another shard carries what that shard decided (`pre`, reserved by lua/holdLimits-1.lua); a scan whose
  drawn prize is out in this shard's bucket while the engine may still pull units from other shards is
  answered `short` without a write. The only Redis call of the scan hot path: one call carries every scan that arrived in
  the same turn, so its fixed costs (dispatch, socket reads and writes, the client's command) are shared.

  Time is this Redis' clock (TIME, plus the shift in the clock-shift key, absent in production): whether a
  campaign is live, which day a cap counts, the event's time. An engine's own clock decides nothing; the
  engine tells what it believed (campaign live or not, which day), and a scan whose belief is wrong here
  is answered `stale` without a write, for the engine to send again with this clock's time.

  The script only decides and records what a decision reads: code bits and records, limits, stock,
  budget, caps, box openings, the event. Pacing: a prize with a release has units released from the
  campaign's first day (or hour) on; the state hash counts its wins (p:<prize>), which never pass the
  units released by now. Without `guaranteed` a period's units are released at its start; with it, unit
  k of a period of n is released at a moment drawn in the k-th n-th of the period (SHA-1 of the
  campaign's seed, prize, period and k), and the first eligible first scan after that moment wins it
  whatever its own draw. A user's own limits live in the user's hash (a member's, or an
  anonymous visitor's): blocked, level, and per campaign d:<cp> (the day the counters are of), us:<cp>
  and uw:<cp> (scans and wins that day), w:<cp>:<prize> (wins of a prize with a perUserCap), so that one
  HMGET reads and one HSET writes all of them. Figures nothing decides on (outcome counts, wins per prize,
  member wins and points, leaderboards) are derived from the events when they are stored
  (src/aggregates, lua/ackEvents-1.lua).

  A call carries a deadline: once it has passed when Redis reaches the call (Redis was paused, say), no
  scan of it is decided and nothing is written: the engine has answered, or will answer, 503.

  Order within a scan: refusals that never consume the code (batch status, blacklist, paused campaign,
  IP and user limits, position, geofence), then repeat or first scan, the scanner's draw, the clerk's
  draw, the event. Every check reads before any write of its step; writes use commands that cannot fail.
  The shebang without flags: under maxmemory Redis refuses the whole call before it starts (a 503).

  KEYS
    1 the event stream of the shard (it also routes the call on Redis Cluster; every key the script
      builds carries the same hash tag)

  ARGV
    1 deadline, ms of Redis' TIME without the shift (a deadline is about real time passing)
    2 the engine's estimate of the shared clock when it sent the call: further than 1 s ahead of this
      clock or 2.5 s behind it, every belief of the call may be wrong (campaigns near an edge are named
      only within 3 s of the estimate), and every scan is answered `stale`
    3..9 key prefixes (src/redis/keys.ts scanKeyPrefixes): batch status hash, seen bitmap (+ batchId),
      code records (+ batchId:bucket, see below), member (+ user), anonymous visitor (+ user), box
      (+ boxBatchId:boxSerial), clock shift key
    10 MessagePack array of the campaigns the scans name, each an array (counts, ms, indexes and amounts as
       MessagePack integers, everything else as strings):
        1 key prefix of the campaign (+ state, day:<day>, clerk:<clerk>, ip:<ip>:<minute>); the fields
          read and written, as src/redis/campaign-fields.ts names them: in the state hash state, end,
          seed, s:<prize> (stock), b:<prize> (budget), p:<prize> (paced wins), pa:<prize> (released
          units moved in/out); in the day hash w:<prize> (wins that day), c:<prize> (cap units moved in/out)
        2 startsAt ms  3 endsAt ms (the state hash's `end` overrides)
        4 '1' when the engine believed it live  5 the day the engine believed (YYYYMMDD)
        6 that day's start ms  7 its end ms
        8 userScansPerDay  9 userWinsPerDay  10 ipScansPerMinute (0 = none)
        11 geofence off|flag|block  12 '1' when a position is required
        13 prize specs, each {id, hasStock, hasBudget, dailyCap, perUserCap, release, perPeriod, guaranteed}:
           hasStock, hasBudget, guaranteed 0|1; dailyCap, perUserCap 0 = none; release '' (all at once),
           'd' (perPeriod units a day in the time zone) or 'h' (an hour)
        14 campaign id (names the campaign's fields in a user's hash)
        15 the day's number since the campaign's first day (0 on the day startsAt falls in)
        16 where items 8 and 9 are counted, one character each: 's' in the shard of the code (the limit,
           or with several shards its part: src/scan/limit-placement.ts), 'h' on the user's home shard
           (here only for scans whose `pre` says the user is decided here)
        17, 18 only for a campaign with "chances": {"perScans": N} (满N次) or card sets: N (0 none), and
           the key prefix of a user's draw chances (+ user, src/redis/keys.ts `chances`); absent for every
           other campaign. With several shards item 18 is '': the scan only counts (n:<cid> in the user's
           hash of this shard), and the user's home shard credits the chances (lua/creditScans-4.lua)
        19, 20 only for a campaign with card sets (集卡), with one shard (a user's cards live on the user's
           home shard): the key prefix of a user's cards (+ user, src/redis/keys.ts `cards`: "<cid>|<card>"
           -> cards held, "<cid>|<set>|done" -> sets completed, "<cid>|<set>|last" -> '<eventId>|<what that
           completion answered>' of the scan that completed the set last), and the sets, each an array {set
           id, spec index of the set's prize, array of its cards' spec indexes}
    11 MessagePack array of scans, each an array (batchId, serial, indexes and amounts as MessagePack integers):
        1 batchId  2 serial  3 user  4 eventId  5 event head (src/events/event-format.ts)
        6 campaign index into ARGV 10 (0 = none)  7 kind item|box  8 shop  9 clerk  10 lat  11 lng ('' none)
        12 region lat  13 region lng  14 region km ('' when the batch has no region)
        15 the box holding this item, "boxBatchId:boxSerial" ('' when the batch is not packed in boxes)
        16 radius km around the shop that opened the box
        17 client ip
        18 level map: 10 characters, one per member level 0..9: '0' no prize, '1'..'9' the chosen prize
           drawn for that level (the draw itself happened in the engine with crypto's random integer)
        19 the chosen prize drawn for the clerk ('0' none)
        20 pre: '' when this shard decides the user's, the clerk's and the IP's limits; else, decided
           elsewhere: the IP '-' (count here, if limited) | 'o' within its limit | 'x' past it; the clerk
           '-' (count here) | '1' a win of the clerk's prize reserved | '0' the clerk is at perUserCap;
           then the user: 'L' (decide here) or the member level '0'..'9' followed by '-' | 'b'
           blacklisted | 'u' past userScansPerDay, then one character per chosen prize: '1' the user may
           win it, '0' a user limit refuses it
        21 one character per chosen prize: '1' when that prize out in this shard's bucket answers `short`
           (the engine can pull units from the other shards), '0' (or '' for all) when it is decided here
        22.. chosen prizes, 3 values each: spec index (into the campaign's specs), prize JSON, amount;
           after those the level map and the clerk point to, one per guaranteed prize of the audience,
           then the prize of each set a drawn card belongs to (campaign items 19-20; its voucher derived
           from '<eventId>-set')
    12 this shard's index (0-based)  13 the number of shards
    14 key prefix of the code records written before the bucketed records (+ batchId:serial, a hash
       u t e o p n per code): read only by a repeat whose code has no bucketed record

  Code records (src/scan/code-record.ts reads them): a consumed code's record is one field of a hash
  that holds 64 codes of a batch in this shard (bucket = bit // 64, field = bit % 64, bit as in the
  seen bitmap), so small records share a key and stay a listpack: no key, no field names per code.
  Its value: count|firstAtMs|outcome char (w won, l lost, v verified)|eventId|user|prize, prize '' or
  campaignId|prizeId|amount (the engine rebuilds the prize's JSON from its definition).

  Returns one string, values joined by \31: the shared clock's ms, then 10 values per scan:
    outcome, reason, scanCount, firstAtMs, sameUser (0|1), prizeJSON, originalEventId, originalOutcome,
    original prize (campaignId|prizeId|amount, '' none; or its JSON, from a record written before the
    bucketed records), '1' when the clerk won the clerk's prize (else ''), followed, when the scanner's
    card completed a set, by '|<setId>|<completions>|<set prize JSON or ''>|<reason it was not won, or ''>'

  集卡: a card the scanner wins is counted in the user's cards; when every card of its set is then held
  once more than the sets completed so far, the set is complete (once per completion) and its prize is
  won in the same step when its stock, budget and caps allow (else the completion counts, without the
  prize). The completion is an event of its own: '{"id":"<eventId>-set","type":"set","at","user",
  "campaignId","scanEventId","set":{"id","completed","prize","reason"}}'.
    outcome: won | lost | verified | repeat | blocked | stale | expired | short | error
    reason:  "" | no_prize | out_of_stock | daily_cap | user_cap | budget | blacklisted | user_daily_limit
             | ip_limit | geofence | no_position | campaign_paused | batch_pending | batch_void
             | stale: '1' | '0', whether the campaign is live by this clock
             | short: s (stock) | b (budget) | d (daily cap) | p (released units); the 3rd value the units
               needed, the 6th the prize id
             | error: no_batch, or script_error (the 7th value holds the Redis error message)
]]

local clock = redis.call('TIME')
local realNow = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local now = realNow + (tonumber(redis.call('GET', ARGV[9])) or 0)
local nowText = string.format('%d', now)
local scans = cmsgpack.unpack(ARGV[11])

local out, n = {nowText}, 1
local skew = now - tonumber(ARGV[2])
local refuse = realNow > tonumber(ARGV[1]) and 'expired' or ((skew > 2500 or skew < -1000) and 'stale' or nil)
if refuse then
  for _ = 1, #scans do
    for j = 1, 10 do out[n + j] = (j == 1) and refuse or '' end
    n = n + 10
  end
  return table.concat(out, '\31')
end

local statusKey, seenPrefix, recordPrefix, memberPrefix, anonPrefix, boxPrefix = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
-- read-only, shared by the scans that need nothing else: a member's own fields; no capped prize's wins
local MEMBER_FIELDS, NO_CAP_WINS = {'blocked', 'level'}, {}
-- a record keeps the first scan's outcome as its first letter: w won, l lost, v verified
local OUTCOME_OF = {w = 'won', l = 'lost', v = 'verified'}
local shard, shards = tonumber(ARGV[12]), tonumber(ARGV[13])
local campaigns = cmsgpack.unpack(ARGV[10])
local minute = string.format('%d', math.floor(now / 60000))
local TTL_DAY = 259200

-- per call: what every scan of the call reads alike
local batchStatus, campaignLive, campaignPaused, campaignSeed, ttlSet = {}, {}, {}, {}, {}
local HOUR = 3600000

-- the campaign-wide day hash (wins of prizes with a dailyCap) lives three days; its TTL is set when one
-- of its fields is first created
local function dayIncr(key, field)
  if redis.call('HINCRBY', key, field, 1) == 1 and not ttlSet[key] then
    redis.call('EXPIRE', key, TTL_DAY)
    ttlSet[key] = true
  end
end

local function int(n)
  return string.format('%d', n)
end

-- this shard's part of a total split over the shards (src/redis/keys.ts shareOf): parts sum to the total
local function share(total)
  return math.floor(total / shards) + (shard >= shards - total % shards and 1 or 0)
end

-- s: the scan being decided; c: its campaign block (nil when none); the helpers read these. grants: the
-- user limits decided on the user's home shard ('1'/'0' per chosen prize), nil when decided here
local s, c, user, shop, diverted, grants
-- the scanner's wins today and wins per capped prize (decided here: read from the user's hash); the
-- user's day limits this shard checks for the scan (0: none here)
local winsToday, capWins, perDayHere, winsPerDayHere
-- the scanner's own hash (a member's, or an anonymous visitor's counters) and its fields to write
local userKey, userWrites

local function flushUser()
  if #userWrites > 0 then redis.call('HSET', userKey, unpack(userWrites)) end
end

local function emit(outcome, reason, prizeJson, count, clerkJson)
  if shop == '' and diverted == '0' and clerkJson == '' then
    redis.call('XADD', KEYS[1], '*', 'b', s[5], 't', nowText, 'o', outcome, 'r', reason, 'p', prizeJson, 'n', count)
  else
    redis.call('XADD', KEYS[1], '*', 'b', s[5], 't', nowText, 'o', outcome, 'r', reason, 'p', prizeJson, 'n', count,
      's', shop, 'd', diverted, 'k', clerkJson)
  end
end

local function blocked(reason)
  flushUser()
  emit('blocked', reason, '', 0, '')
  return {'blocked', reason, 0, 0, 0, '', '', '', ''}
end

local function km(lat1, lng1, lat2, lng2)
  local r = math.pi / 180
  local a = math.sin((lat2 - lat1) * r / 2) ^ 2 + math.cos(lat1 * r) * math.cos(lat2 * r) * math.sin((lng2 - lng1) * r / 2) ^ 2
  return 12742 * math.asin(math.min(1, math.sqrt(a)))
end

-- Names built once per call rather than once per scan (each concatenation is a new Lua string, hashed
-- byte by byte): the campaign's keys and its fields in a user's hash; each prize's fields when a scan
-- first chooses it (named).
local function prepare(cb)
  local cid = cb[14]
  cb.stateKey, cb.dayKey = cb[1] .. 'state', cb[1] .. 'day:' .. cb[5]
  cb.fDay, cb.fScans, cb.fWins = 'd:' .. cid, 'us:' .. cid, 'uw:' .. cid
  for _, spec in ipairs(cb[13]) do
    -- numbers arrive as MessagePack integers (src/redis/msgpack-writer.ts `int`); tonumber keeps a decimal
    -- string working too, once here, so they are compared as numbers below
    spec[4], spec[5], spec[7] = tonumber(spec[4]), tonumber(spec[5]), tonumber(spec[7])
    spec.cid = cid
  end
  -- 集卡: each card's set, with the fields of its cards (and of its completions, last) in a user's cards
  if cb[20] then
    cb.setOfSpec = {}
    for _, set in ipairs(cb[20]) do
      local x = {id = set[1], prize = tonumber(set[2]), cards = set[3], fields = {}, at = {}}
      for i, card in ipairs(set[3]) do
        x.fields[i], x.at[tonumber(card)] = cid .. '|' .. cb[13][tonumber(card)][1], i
        cb.setOfSpec[tonumber(card)] = x
      end
      x.fields[#x.fields + 1] = cid .. '|' .. set[1] .. '|done'
      x.last = cid .. '|' .. set[1] .. '|last'
    end
  end
end

-- a prize's field names, built the first time a scan of the call chooses it (a call of one scan builds
-- only its own prize's)
local function named(spec)
  if not spec.fStock then
    local id = spec[1]
    spec.fStock, spec.fBudget, spec.fPaced, spec.fPacedIn = 's:' .. id, 'b:' .. id, 'p:' .. id, 'pa:' .. id
    spec.fWon, spec.fCapIn, spec.fUserWins = 'w:' .. id, 'c:' .. id, 'w:' .. spec.cid .. ':' .. id
  end
  return spec
end

-- whether campaign i is live by this clock, and whether it is paused (read once per call)
local function liveness(i)
  local live = campaignLive[i]
  if live == nil then
    local cb = campaigns[i]
    prepare(cb)
    local st = redis.call('HMGET', cb.stateKey, 'state', 'end', 'seed')
    local endMs = tonumber(st[2]) or tonumber(cb[3])
    live = st[1] ~= 'ended' and now >= tonumber(cb[2]) and now < endMs
    campaignLive[i] = live
    campaignPaused[i] = st[1] == 'paused'
    campaignSeed[i] = st[3] or ''
  end
  return live
end

-- the chosen prize at index `choice` of the scan: its spec, JSON and amount
local function chosen(choice)
  local at = 22 + 3 * (choice - 1)
  return named(c[13][tonumber(s[at])]), s[at + 1], tonumber(s[at + 2])
end

-- Units of a paced prize released by now: `perPeriod` for each period before this one, and in this one
-- all at its start, or (guaranteed) those whose release moment has come.
local function released(spec)
  local n = tonumber(spec[7])
  local periodStart, periodLen, index
  if spec[6] == 'd' then
    periodStart, periodLen, index = tonumber(c[6]), tonumber(c[7]) - tonumber(c[6]), tonumber(c[15])
  else
    local first = math.floor(tonumber(c[2]) / HOUR) * HOUR
    index = math.floor((now - first) / HOUR)
    periodStart, periodLen = first + index * HOUR, HOUR
  end
  if spec[8] ~= '1' then return n * (index + 1) end
  local slotLen = periodLen / n
  local k = math.floor((now - periodStart) / slotLen)
  if k >= n then return n * (index + 1) end
  local h = redis.sha1hex(campaignSeed[c.index] .. ':' .. spec[1] .. ':' .. index .. ':' .. k)
  local at = periodStart + (k + tonumber(string.sub(h, 1, 8), 16) / 4294967296) * slotLen
  return n * index + k + (now >= at and 1 or 0)
end

-- whether the scanner's own limits (userWinsPerDay, perUserCap) let the scanner win chosen prize g
local function userAllows(g, spec)
  if grants then
    if string.sub(grants, g, g) ~= '1' then return false end
  else
    local perUserCap = tonumber(spec[5])
    if perUserCap > 0 and (capWins[spec[1]] or 0) >= perUserCap then return false end
  end
  return not (winsPerDayHere > 0 and winsToday >= winsPerDayHere)
end

-- Reason this shard's buckets cannot give the prize now, or '' and their state (stock, budget, paced
-- wins, released units moved in: read only), and which bucket is short: s stock, p released units,
-- d the day's cap, b budget.
local function bucketBlocker(spec, amount, dayKey)
  local left
  if spec[2] == '1' or spec[3] == '1' or spec[6] ~= '' then
    left = redis.call('HMGET', c.stateKey, spec.fStock, spec.fBudget, spec.fPaced, spec.fPacedIn)
    if spec[2] == '1' and (tonumber(left[1]) or 0) <= 0 then return 'out_of_stock', nil, 's' end
    -- a paced prize with no released unit left is out of stock for now
    if spec[6] ~= '' and (tonumber(left[3]) or 0) >= share(released(spec)) + (tonumber(left[4]) or 0) then return 'out_of_stock', nil, 'p' end
  end
  local dailyCap = tonumber(spec[4])
  if dailyCap > 0 then
    local day = redis.call('HMGET', dayKey, spec.fWon, spec.fCapIn)
    if (tonumber(day[1]) or 0) >= share(dailyCap) + (tonumber(day[2]) or 0) then return 'daily_cap', nil, 'd' end
  end
  if spec[3] == '1' and (tonumber(left[2]) or 0) < amount then return 'budget', nil, 'b' end
  return '', left
end

-- Reason chosen prize g cannot be won now, or '' and its bucket state, and the short bucket's kind.
-- `clerkWins`: the clerk's wins of this prize so far, for the clerk's prize; nil for the scanner's.
local function prizeBlocker(g, spec, amount, dayKey, clerkWins)
  -- with several shards this shard's bucket is a part: a user at a limit is told so, not that the part is out
  if shards > 1 and not clerkWins and not userAllows(g, spec) then return 'user_cap' end
  local reason, left, kind = bucketBlocker(spec, amount, dayKey)
  if reason ~= '' and kind ~= 'b' then return reason, nil, kind end
  if clerkWins then
    local perUserCap = tonumber(spec[5])
    if perUserCap > 0 and clerkWins >= perUserCap then return 'user_cap' end
  elseif not userAllows(g, spec) then
    return 'user_cap'
  end
  return reason, left, kind
end

-- writes what a later decision reads: stock, budget and paced wins (one HSET), the day's wins of a capped prize
local function awardPrize(spec, amount, dayKey, left)
  if left then
    local w = {}
    if spec[2] == '1' then w[#w + 1], w[#w + 2] = spec.fStock, int(tonumber(left[1]) - 1) end
    if spec[3] == '1' then w[#w + 1], w[#w + 2] = spec.fBudget, int(tonumber(left[2]) - amount) end
    if spec[6] ~= '' then w[#w + 1], w[#w + 2] = spec.fPaced, int((tonumber(left[3]) or 0) + 1) end
    redis.call('HSET', c.stateKey, unpack(w))
  end
  if spec[4] > 0 then dayIncr(dayKey, spec.fWon) end
end

-- isoOf(ms): an event's "at" (lua/includes/iso-time.lua)
--@include iso-time

-- 满N次: counts the user's first scans in the campaign (n:<cid> in the user's hash) and grants a chance on
-- every N-th, as an event of its own ('<scan eventId>-chance', type chance). With several shards (no
-- chances prefix) the count is all: the home shard sums every shard's and credits (lua/creditScans-4.lua)
local function grantPerScans()
  local n = redis.call('HINCRBY', userKey, 'n:' .. c[14], 1)
  if c[18] == '' or n % tonumber(c[17]) ~= 0 then return end
  local balance = redis.call('HINCRBY', c[18] .. user, c[14], 1)
  redis.call('XADD', KEYS[1], '*', 'j', '{"id":"' .. s[4] .. '-chance","type":"chance","at":"' .. isoOf(now) .. '","user":"' .. user ..
    '","campaignId":"' .. c[14] .. '","delta":1,"reason":"perScans","source":"scan","scanEventId":"' .. s[4] .. '","scans":' .. n ..
    ',"chances":' .. balance .. '}')
end

-- the set prize of a completion: '<setId>|<completions>|<set prize JSON or ''>|<reason or ''>'
local function setPrizeOf(set, done)
  local head = set.id .. '|' .. done .. '|'
  local g
  for at = 22, #s, 3 do
    if tonumber(s[at]) == set.prize then
      g = (at - 19) / 3
      break
    end
  end
  if not g then return head .. '|no_prize' end
  -- the card was a win of the day: the set prize is another, under the same userWinsPerDay
  winsToday = winsToday + 1
  local spec, json, amount = chosen(g)
  local why, left = prizeBlocker(g, spec, amount, c.dayKey)
  if why ~= '' then return head .. '|' .. why end
  awardPrize(spec, amount, c.dayKey, left)
  if winsPerDayHere > 0 then userWrites[6] = int(winsToday + 1) end
  if tonumber(spec[5]) > 0 then
    local n = #userWrites
    userWrites[n + 1], userWrites[n + 2] = spec.fUserWins, int((capWins[spec[1]] or 0) + 1)
  end
  return head .. json .. '|'
end

-- 集卡: counts the scanner's won card (spec index `card`); when it completes its set, the set's prize (a
-- chosen prize of the scan) is won in the same step if it may be. '' when the card completed nothing, else
-- '<setId>|<completions>|<set prize JSON or ''>|<reason or ''>'
local function countCard(card)
  local set = c.setOfSpec[card]
  if not set then return '' end
  local cardsKey = c[19] .. user
  local v = redis.call('HMGET', cardsKey, unpack(set.fields))
  local least = math.huge
  for i = 1, #set.cards do least = math.min(least, (tonumber(v[i]) or 0) + (i == set.at[card] and 1 or 0)) end
  local done = tonumber(v[#set.fields]) or 0
  redis.call('HINCRBY', cardsKey, set.fields[set.at[card]], 1)
  if least <= done then return '' end
  done = done + 1
  local result = setPrizeOf(set, done)
  -- the completions, and which scan completed the set last with what it answered: a scan whose reply
  -- is lost is answered from its code's record, which does not hold the set
  redis.call('HSET', cardsKey, set.fields[#set.fields], int(done), set.last, s[4] .. '|' .. result)
  return result
end

-- the event of a set completed by the scan ('<eventId>-set', type set)
local function emitSet(done)
  local setId, n, json, why = string.match(done, '^([^|]*)|(%d+)|(.-)|([^|]*)$')
  redis.call('XADD', KEYS[1], '*', 'j', '{"id":"' .. s[4] .. '-set","type":"set","at":"' .. isoOf(now) .. '","user":"' .. user ..
    '","campaignId":"' .. c[14] .. '","scanEventId":"' .. s[4] .. '","set":{"id":"' .. setId .. '","completed":' .. n ..
    ',"prize":' .. (json == '' and 'null' or json) .. ',"reason":' .. (why == '' and 'null' or ('"' .. why .. '"')) .. '}}')
end

local function scanOne()
  local batchId, serial = s[1], s[2]
  user, shop, diverted = s[3], s[8], '0'
  userWrites = {}
  local ci = tonumber(s[6])
  c = nil
  local pre = s[20]
  local ipPre = pre == '' and '-' or string.sub(pre, 1, 1)
  local clerkPre = pre == '' and '-' or string.sub(pre, 2, 2)
  local userPre = pre == '' and 'L' or string.sub(pre, 3, 3)
  grants = nil

  -- 1. refusals that never consume the code
  local status = batchStatus[batchId]
  if status == nil then
    status = redis.call('HGET', statusKey, batchId) or false
    batchStatus[batchId] = status
  end
  if not status then return {'error', 'no_batch', 0, 0, 0, '', '', '', ''} end

  if ci > 0 then
    local cb = campaigns[ci]
    local live = liveness(ci)
    if live ~= (cb[4] == '1') or (live and (now < tonumber(cb[6]) or now >= tonumber(cb[7]))) then
      return {'stale', live and '1' or '0', 0, 0, 0, '', '', '', ''}
    end
    if live then
      c = cb
      c.index = ci
    end
  end

  if status == 'p' then return blocked('batch_pending') end
  if status == 'v' then return blocked('batch_void') end

  -- The scanner: blacklist and level (members only: anonymous visitors own nothing of a member, level 0),
  -- and the campaign's counters of this user: the day they count, scans and wins that day, wins of each
  -- chosen prize with a perUserCap. Read from the user's hash here (one HMGET), or decided on the user's
  -- home shard and carried in `pre`.
  local anon = string.sub(user, 1, 5) == 'anon_'
  userKey = (anon and anonPrefix or memberPrefix) .. user
  local level, day, scansToday = 0, nil, 0
  local userRefusal = ''
  winsToday, capWins, perDayHere, winsPerDayHere = 0, NO_CAP_WINS, 0, 0
  if c then
    perDayHere = (userPre == 'L' or string.sub(c[16], 1, 1) == 's') and tonumber(c[8]) or 0
    winsPerDayHere = (userPre == 'L' or string.sub(c[16], 2, 2) == 's') and tonumber(c[9]) or 0
  end
  if userPre ~= 'L' then
    level = tonumber(userPre)
    local st = string.sub(pre, 4, 4)
    if st == 'b' then return blocked('blacklisted') end
    if st == 'u' then userRefusal = 'user_daily_limit' end
    grants = string.sub(pre, 5)
    -- the day limits split over the shards are counted here all the same
    if perDayHere > 0 or winsPerDayHere > 0 then
      local v = redis.call('HMGET', userKey, c.fDay, c.fScans, c.fWins)
      if v[1] == c[5] then scansToday, winsToday = tonumber(v[2]) or 0, tonumber(v[3]) or 0 end
    end
  elseif c or not anon then
    -- the fields every scan of the campaign reads (built once per call), and a copy with the user's
    -- wins of each chosen prize with a perUserCap (the clerk's prize counts in the clerk's hash, not here)
    local fields = MEMBER_FIELDS
    if c and anon then
      c.anonFields = c.anonFields or {c.fDay, c.fScans, c.fWins}
      fields = c.anonFields
    elseif c then
      c.memberFields = c.memberFields or {'blocked', 'level', c.fDay, c.fScans, c.fWins}
      fields = c.memberFields
    end
    local base = anon and 0 or 2
    if c then
      local clerkAt = 22 + 3 * ((tonumber(s[19]) or 0) - 1)
      for at = 22, #s, 3 do
        local spec = c[13][tonumber(s[at])]
        if at ~= clerkAt and spec[5] > 0 then
          if capWins == NO_CAP_WINS then
            capWins = {}
            fields = {unpack(fields)}
          end
          fields[#fields + 1] = named(spec).fUserWins
        end
      end
    end
    local v = redis.call('HMGET', userKey, unpack(fields))
    if not anon then
      if v[1] == '1' then return blocked('blacklisted') end
      level = tonumber(v[2]) or 0
      if level < 0 then level = 0 elseif level > 9 then level = 9 end
    end
    if c then
      day = v[base + 1]
      if day == c[5] then scansToday, winsToday = tonumber(v[base + 2]) or 0, tonumber(v[base + 3]) or 0 end
      local k = base + 4
      local clerkAt = 22 + 3 * ((tonumber(s[19]) or 0) - 1)
      for at = 22, #s, 3 do
        local spec = c[13][tonumber(s[at])]
        if at ~= clerkAt and tonumber(spec[5]) > 0 then
          capWins[spec[1]] = tonumber(v[k]) or 0
          k = k + 1
        end
      end
    end
  end

  local dayKey
  local seenKey, bit = seenPrefix .. batchId, math.floor(tonumber(serial) / shards)
  local clerkChoice = tonumber(s[19]) or 0
  -- the scanner's choice: its level's draw, or a guaranteed prize with a released unit pending
  local choice = tonumber(string.sub(s[18], level + 1, level + 1)) or 0
  if c then
    dayKey = c.dayKey
    -- a prize out in this shard's bucket that the engine may pull units of: before anything is written,
    -- the scan is answered `short` and sent again once units moved here (a guaranteed unit released in
    -- another shard's part included)
    local canShort = s[21] ~= '' and userRefusal == '' and not campaignPaused[ci]
    local unseen
    -- (a closure only when a pull is possible: with one shard, or none to pull, no scan builds it)
    local short = canShort and function(g)
      if string.sub(s[21], g, g) ~= '1' then return nil end
      local spec, _, amount = chosen(g)
      local _, _, kind = prizeBlocker(g, spec, amount, dayKey)
      if not kind or not userAllows(g, spec) then return nil end
      if unseen == nil then unseen = redis.call('GETBIT', seenKey, bit) == 0 end
      if not unseen then return nil end
      return {'short', kind, kind == 'b' and amount or 1, 0, 0, spec[1], '', '', ''}
    end
    for g = 1, (#s - 21) / 3 do
      if g ~= clerkChoice and c[13][tonumber(s[22 + 3 * (g - 1)])][8] == '1' then
        local spec, _, amount = chosen(g)
        if prizeBlocker(g, spec, amount, dayKey) == '' then
          choice = g
          break
        end
        local pull = short and short(g)
        if pull then return pull end
      end
    end
    if choice > 0 and short then
      local pull = short(choice)
      if pull then return pull end
    end
  end

  -- an item of an opened box inherits the shop, and its place when the item batch has no region
  local refLat, refLng, refKm = s[12], s[13], s[14]
  if s[15] ~= '' and s[7] == 'item' then
    local box = redis.call('HMGET', boxPrefix .. s[15], 'shop', 'lat', 'lng')
    if shop == '' and box[1] then shop = box[1] end
    if refLat == '' and box[2] then refLat, refLng, refKm = box[2], box[3], s[16] end
  end

  local lat, lng = s[10], s[11]
  if c then
    if campaignPaused[ci] then return blocked('campaign_paused') end
    local ipPerMinute = tonumber(c[10])
    if ipPre == 'x' then return blocked('ip_limit') end
    if ipPerMinute > 0 and ipPre == '-' then
      -- every attempt counts, refused ones too: a farm behind one IP stays refused
      local ipKey = c[1] .. 'ip:' .. s[17] .. ':' .. minute
      local ipn = redis.call('INCR', ipKey)
      if ipn == 1 then redis.call('EXPIRE', ipKey, 120) end
      if ipn > ipPerMinute then return blocked('ip_limit') end
    end
    if userRefusal ~= '' then return blocked(userRefusal) end
    local perDay = perDayHere
    if perDay > 0 then
      -- counted before the check, like the IP limit: a scan refused further down still counts
      scansToday = scansToday + 1
      userWrites = {c.fDay, c[5], c.fScans, int(scansToday), c.fWins, int(winsToday)}
      if scansToday > perDay then return blocked('user_daily_limit') end
    end
    if c[12] == '1' and lat == '' then return blocked('no_position') end
    if c[11] ~= 'off' and lat ~= '' and refLat ~= '' then
      if km(tonumber(lat), tonumber(lng), tonumber(refLat), tonumber(refLng)) > tonumber(refKm) then
        if c[11] == 'block' then return blocked('geofence') end
        diverted = '1'
      end
    end
  end

  -- 2. consume the code; it was consumed before: a repeat
  local recordKey, recordField = recordPrefix .. batchId .. ':' .. math.floor(bit / 64), bit % 64
  if redis.call('SETBIT', seenKey, bit, 1) == 1 then
    flushUser()
    local rec = redis.call('HGET', recordKey, recordField)
    if rec then
      local n, rest = string.match(rec, '^(%d+)(.*)$')
      local count = tonumber(n) + 1
      redis.call('HSET', recordKey, recordField, count .. rest)
      emit('repeat', '', '', count, '')
      local firstAt, o, e, u, prize = string.match(rest, '^|(%d*)|(%a?)|([^|]*)|([^|]*)|(.*)$')
      if u == user then return {'repeat', '', count, firstAt, 1, '', e, OUTCOME_OF[o] or '', prize} end
      return {'repeat', '', count, firstAt, 0, '', '', '', ''}
    end
    -- consumed before the records were bucketed: its own hash
    local codeKey = ARGV[14] .. batchId .. ':' .. serial
    local count = redis.call('HINCRBY', codeKey, 'n', 1)
    local old = redis.call('HMGET', codeKey, 'u', 't', 'e', 'o', 'p')
    emit('repeat', '', '', count, '')
    if old[1] == user then
      return {'repeat', '', count, old[2] or nowText, 1, '', old[3] or '', old[4] or '', old[5] or ''}
    end
    return {'repeat', '', count, old[2] or nowText, 0, '', '', '', ''}
  end

  -- 3. first scan: the scanner's draw, then the clerk's
  local outcome, reason, prizeJson, clerkJson, prizeRef, setDone = 'verified', '', '', '', '', ''
  if c then
    if choice == 0 then
      outcome, reason = 'lost', 'no_prize'
    else
      local spec, json, amount = chosen(choice)
      local left
      reason, left = prizeBlocker(choice, spec, amount, dayKey)
      if reason ~= '' then
        outcome = 'lost'
      else
        outcome, prizeJson, prizeRef = 'won', json, c[14] .. '|' .. spec[1] .. '|' .. amount
        awardPrize(spec, amount, dayKey, left)
        local n = #userWrites
        if winsPerDayHere > 0 then
          if n == 0 then
            userWrites = {c.fDay, c[5], c.fScans, int(scansToday), c.fWins, int(winsToday + 1)}
            n = 6
          else
            userWrites[6] = int(winsToday + 1)
          end
        end
        if not grants and tonumber(spec[5]) > 0 then
          userWrites[n + 1], userWrites[n + 2] = spec.fUserWins, int((capWins[spec[1]] or 0) + 1)
        end
        -- 集卡 (a campaign with items 19-20 only)
        if c[20] then setDone = countCard(tonumber(s[22 + 3 * (choice - 1)])) end
      end
    end
    if s[9] ~= '' and clerkChoice > 0 then
      local spec, json, amount = chosen(clerkChoice)
      local clerkKey = c[1] .. 'clerk:' .. s[9]
      -- the clerk's wins of a capped prize: counted here, or reserved on the clerk's home shard
      local here = clerkPre == '-' and tonumber(spec[5]) > 0
      local wins = here and (tonumber(redis.call('HGET', clerkKey, spec.fWon)) or 0) or (clerkPre == '0' and math.huge or 0)
      local why, left = prizeBlocker(clerkChoice, spec, amount, dayKey, wins)
      if why == '' then
        awardPrize(spec, amount, dayKey, left)
        if here then redis.call('HINCRBY', clerkKey, spec.fWon, 1) end
        clerkJson = json
      end
    end
  end

  flushUser()
  -- 满N次 (a campaign with item 17 > 0 only: no other campaign's scan runs this): every N-th counted first
  -- scan of the user in the campaign grants a draw chance, with its own event
  if c and c[17] and tonumber(c[17]) > 0 then grantPerScans() end
  redis.call('HSET', recordKey, recordField, '1|' .. nowText .. '|' .. string.sub(outcome, 1, 1) .. '|' .. s[4] .. '|' .. user .. '|' .. prizeRef)
  if s[7] == 'box' then
    local boxKey = boxPrefix .. batchId .. ':' .. serial
    redis.call('HSET', boxKey, 'shop', shop, 'at', nowText)
    if lat ~= '' then redis.call('HSET', boxKey, 'lat', lat, 'lng', lng) end
  end
  emit(outcome, reason, prizeJson, 1, clerkJson)
  if setDone ~= '' then
    emitSet(setDone)
    return {outcome, reason, 1, nowText, 1, prizeJson, '', '', '', (clerkJson ~= '' and '1' or '') .. '|' .. setDone}
  end
  return {outcome, reason, 1, nowText, 1, prizeJson, '', '', '', clerkJson ~= '' and '1' or ''}
end

for i = 1, #scans do
  s = scans[i]
  -- a failing command (a key of the wrong type, say) fails its own scan, not the others of the call;
  -- what that scan wrote before the failure stays (no rollback), as it would in a call of its own
  local ok, reply = pcall(scanOne)
  if not ok then
    local msg = type(reply) == 'table' and reply.err or tostring(reply)
    reply = {'error', 'script_error', 0, 0, 0, '', string.gsub(string.sub(msg, 1, 200), '%c', ' '), '', ''}
  end
  for j = 1, 10 do out[n + j] = reply[j] or '' end
  n = n + 10
end
-- one string: the client decodes one reply instead of nine per scan. No value holds a control
-- character (JSON escapes them; ids, outcomes and numbers have none), so \31 cannot occur inside one.
return table.concat(out, '\31')
