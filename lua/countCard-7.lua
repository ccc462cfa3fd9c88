--[[
  countCard: 集卡 with several shards. A first scan that wins a card is decided on the code's shard, while
  the user's cards live on the user's home shard, which that call cannot reach. This script, on the home
  shard, counts the card the scan won; when every card of its set is then held once more than the sets
  completed so far, the set is complete (once per completion) and the set's prize is won in the same step
  when its stock, budget and caps allow (else the completion counts, without the prize), as a draw's card
  does (lua/drawChance-9.lua). The completion is an event of its own, the one the scan script writes with
  one shard: '{"id":"<scan eventId>-set","type":"set","at","user","campaignId","scanEventId","set":{"id",
  "completed","prize","reason"}}'.

  Idempotent by the scan's event id: the engine calls it right after the scan's answer, and the persist
  step calls it again for the scan's event (an engine may die between the scan and this call). The first
  call records what it did under the event id (KEYS 7, kept 3 days: far longer than a scan event waits in
  the stream for its persist step), every later call answers that record and writes nothing. One small
  key per card won in the last 3 days: what makes it idempotent is bounded by time.

  The set prize's buckets read are the home shard's part (with several shards, this shard's share of the
  total plus units moved in). When the card completes the set and the set prize is out in this shard's
  bucket with its pull flag set, the answer is `short` without a write: the engine moves units in from
  the other shards (src/chances/draw-pulls.ts) and calls again. Time is this Redis' clock plus the clock
  shift; a call outside the campaign day the engine named is answered `stale` without a write.

  KEYS (all of the user's home shard)
    1 cards   hash of the user's cards: "<cid>|<card>" -> cards held, "<cid>|<set>|done" -> sets completed
    2 user    the user's hash (a member's, or an anonymous visitor's counters): d:<cid> the day the counters
              are of, us:<cid> scans, uw:<cid> wins that day, w:<cid>:<prize> wins of a prize with a perUserCap
    3 state   the campaign's state hash: s:<prize> stock, b:<prize> budget, p:<prize> paced wins,
              pa:<prize> released units moved in/out, seed
    4 day     the campaign's day hash: w:<prize> wins that day, c:<prize> cap units moved in
    5 events  the event stream
    6 clock shift (absent: none)
    7 counted what this script did for the scan's event: '-' (the card counted, no set completed) or
              '<setId>|<completions>|<set prize JSON or ''>|<reason or ''>'

  ARGV
    1 campaignId  2 the scan's event id  3 the card's prize id  4 its set: "<setId>|<card>,<card>,…"
    5 startsAt ms  6 day YYYYMMDD  7 day start ms  8 day end ms  9 day index since the first day
    10 userWinsPerDay (0: none)  11 this shard's index  12 the number of shards
    13 event JSON middle: ',"user":…,"campaignId":…' (JSON-escaped by the engine)
    14..25 the set's prize: prize id, hasStock 0|1, hasBudget 0|1, dailyCap (0 none), perUserCap (0 none),
       release ''|d|h, perPeriod, guaranteed 0|1, amount, prize JSON, (unused), pull '1' (out in this
       shard's bucket: answer `short`) | '0' (decided here)

  Returns {outcome, set, shared clock ms, short bucket, short prize, units needed}
    outcome: counted (now) | again (counted before: set is what that call answered) | stale | short
    set: '' when the card completed no set, else '<setId>|<completions>|<set prize JSON or ''>|<reason or ''>'
    short: the bucket s stock | b budget | d daily cap | p released units, the prize id, the units needed
]]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000) + (tonumber(redis.call('GET', KEYS[6])) or 0)

local before = redis.call('GET', KEYS[7])
if before then return {'again', before == '-' and '' or before, now, '', '', 0} end

local cid, scanEventId, card = ARGV[1], ARGV[2], ARGV[3]
local startsAt, dayStart, dayEnd, dayIndex = tonumber(ARGV[5]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local winsPerDay, shard, shards = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local KEPT_S = 259200
if now < dayStart or now >= dayEnd then return {'stale', '', now, '', '', 0} end

local function int(n) return string.format('%d', n) end
-- isoOf(ms): an event's "at" (lua/includes/iso-time.lua)
--@include iso-time
local function share(total)
  return math.floor(total / shards) + (shard >= shards - total % shards and 1 or 0)
end

-- whether the card completes its set (every card held once more than the sets completed so far), read
-- before any write
local setId, list = string.match(ARGV[4], '^([^|]*)|(.*)$')
local fields = {}
for c in string.gmatch(list, '[^,]+') do fields[#fields + 1] = cid .. '|' .. c end
local held = redis.call('HMGET', KEYS[1], unpack(fields))
local least = math.huge
for i = 1, #held do least = math.min(least, (tonumber(held[i]) or 0) + (fields[i] == cid .. '|' .. card and 1 or 0)) end
local doneField = cid .. '|' .. setId .. '|done'
local done = tonumber(redis.call('HGET', KEYS[1], doneField)) or 0

if least <= done then
  redis.call('HINCRBY', KEYS[1], cid .. '|' .. card, 1)
  redis.call('SET', KEYS[7], '-', 'EX', KEPT_S)
  return {'counted', '', now, '', '', 0}
end

-- the set prize: its candidate's values (lua/drawChance-9.lua's order)
local p = {}
for i = 14, 25 do p[#p + 1] = ARGV[i] end
local id = p[1]
local seed = redis.call('HGET', KEYS[3], 'seed') or ''

-- releasedUnits(...): units of a paced prize released by now (lua/includes/paced-release.lua)
--@include paced-release

local fDay, fScans, fWins = 'd:' .. cid, 'us:' .. cid, 'uw:' .. cid
local u = redis.call('HMGET', KEYS[2], fDay, fScans, fWins)
local sameDay = u[1] == ARGV[6]
local scansToday, winsToday = sameDay and (tonumber(u[2]) or 0) or 0, sameDay and (tonumber(u[3]) or 0) or 0

-- why the set prize cannot be won now ('' when it can, with its bucket state); a bucket's refusal also
-- names the bucket, which other shards may make up for
local why, kind = '', nil
if winsPerDay > 0 and winsToday >= winsPerDay then why = 'user_cap' end
if why == '' and tonumber(p[5]) > 0 and (tonumber(redis.call('HGET', KEYS[2], 'w:' .. cid .. ':' .. id)) or 0) >= tonumber(p[5]) then why = 'user_cap' end
local left = redis.call('HMGET', KEYS[3], 's:' .. id, 'b:' .. id, 'p:' .. id, 'pa:' .. id)
if why == '' and p[2] == '1' and (tonumber(left[1]) or 0) <= 0 then why, kind = 'out_of_stock', 's' end
if why == '' and p[6] ~= '' and (tonumber(left[3]) or 0) >= share(releasedUnits(now, p[6], tonumber(p[7]), p[8], seed, id, startsAt, dayStart, dayEnd, dayIndex)) + (tonumber(left[4]) or 0) then why, kind = 'out_of_stock', 'p' end
if why == '' and tonumber(p[4]) > 0 then
  local d = redis.call('HMGET', KEYS[4], 'w:' .. id, 'c:' .. id)
  if (tonumber(d[1]) or 0) >= share(tonumber(p[4])) + (tonumber(d[2]) or 0) then why, kind = 'daily_cap', 'd' end
end
if why == '' and p[3] == '1' and (tonumber(left[2]) or 0) < tonumber(p[9]) then why, kind = 'budget', 'b' end
if kind and p[12] == '1' then return {'short', '', now, kind, id, kind == 'b' and tonumber(p[9]) or 1} end

redis.call('HINCRBY', KEYS[1], cid .. '|' .. card, 1)
redis.call('HSET', KEYS[1], doneField, int(done + 1))
local prize = ''
if why == '' then
  prize = p[10]
  local w = {}
  if p[2] == '1' then w[#w + 1], w[#w + 2] = 's:' .. id, int(tonumber(left[1]) - 1) end
  if p[3] == '1' then w[#w + 1], w[#w + 2] = 'b:' .. id, int(tonumber(left[2]) - tonumber(p[9])) end
  if p[6] ~= '' then w[#w + 1], w[#w + 2] = 'p:' .. id, int((tonumber(left[3]) or 0) + 1) end
  if #w > 0 then redis.call('HSET', KEYS[3], unpack(w)) end
  if tonumber(p[4]) > 0 and redis.call('HINCRBY', KEYS[4], 'w:' .. id, 1) == 1 then redis.call('EXPIRE', KEYS[4], KEPT_S) end
  local uw = {fDay, ARGV[6], fScans, int(scansToday), fWins, int(winsToday + 1)}
  if tonumber(p[5]) > 0 then
    uw[7], uw[8] = 'w:' .. cid .. ':' .. id, int((tonumber(redis.call('HGET', KEYS[2], 'w:' .. cid .. ':' .. id)) or 0) + 1)
  end
  redis.call('HSET', KEYS[2], unpack(uw))
end
local result = setId .. '|' .. (done + 1) .. '|' .. prize .. '|' .. why
redis.call('XADD', KEYS[5], '*', 'j', '{"id":"' .. scanEventId .. '-set","type":"set","at":"' .. isoOf(now) .. '"' .. ARGV[13] ..
  ',"scanEventId":"' .. scanEventId .. '","set":{"id":"' .. setId .. '","completed":' .. (done + 1) .. ',"prize":' ..
  (prize == '' and 'null' or prize) .. ',"reason":' .. (why == '' and 'null' or ('"' .. why .. '"')) .. '}}')
redis.call('SET', KEYS[7], result, 'EX', KEPT_S)
return {'counted', result, now, '', '', 0}
