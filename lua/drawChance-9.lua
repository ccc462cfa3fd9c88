--[[
  drawChance: one draw of a campaign's consumer prizes outside a product scan (抽奖机会), in one atomic
  step on the user's home shard, under the rules a first scan's draw obeys (lua/scanCodes-1.lua, whose
  decision this script repeats for one draw): stock, budget, dailyCap, perUserCap, userWinsPerDay and
  paced releases (a guaranteed prize whose released unit is pending goes to this draw whatever it drew).
  The campaign's buckets read are the home shard's part (with several shards, this shard's share of the
  total plus units moved in), as a scan in this shard reads them. A prize out in this shard's bucket
  whose pull flag is set answers `short` without a write: the engine moves units from the other shards
  (src/buckets) and sends the draw again, as for a scan.

  Three modes:
    draw    spend one chance and decide now: the event says what was won
    ticket  spend one chance and decide nothing (线上抽奖,线下开奖): a sealed ticket is recorded open
    reveal  decide an open ticket, once, when it is presented in a shop (no chance spent: its ticket's was)

  Time is this Redis' clock plus the clock-shift key, as for scans. The engine names the campaign day it
  believes; a draw outside that day is answered `stale` without a write, for the engine to send again.

  KEYS (all of the user's home shard)
    1 chances     hash campaignId -> draw chances left
    2 user        the user's hash (a member's, or an anonymous visitor's counters): d:<cid> the day the
                  counters are of, us:<cid> scans, uw:<cid> wins that day, w:<cid>:<prize> wins of a prize
                  with a perUserCap (the fields the scan script keeps)
    3 state       the campaign's state hash (field names as src/redis/campaign-fields.ts builds them): state,
                  end, seed, s:<prize> stock, b:<prize> budget, p:<prize> paced wins, pa:<prize> released
                  units moved in/out
    4 day         the campaign's day hash: w:<prize> wins that day, c:<prize> cap units moved in
    5 events      the event stream
    6 clock shift (absent: none)
    7 tickets     hash ticket -> 'o|<user>|<campaignId>|<issuing eventId>' open,
                  'r|<user>|<campaignId>|<issuing eventId>|<reveal eventId>|<reveal event JSON>' revealed
                  (the event is kept with the record so that every engine's ticket page reads what the
                  reveal drew, whichever engine stored the event)
    8 open        set of the user's open tickets (a check-in at a shop reveals them)
    9 cards       hash of the user's cards (集卡): "<cid>|<card>" -> cards held, "<cid>|<set>|done" -> sets completed

  ARGV
    1 mode draw|ticket|reveal  2 campaignId  3 startsAt ms  4 endsAt ms  5 day YYYYMMDD  6 day start ms
    7 day end ms  8 day index since the first day  9 userWinsPerDay (0: none)  10 this shard's index
    11 the number of shards  12 event JSON head without "at" and the closing brace; the script appends
       ',"at":"<its time>","draw":{"outcome":…,"reason":…,"prize":…},"chances":<balance>}' (ticket: outcome
       "ticket", prize null): the event's time is the decision's, whatever the engine's clock believed
    13 ticket code ('' in draw mode)  14 user  15 this event's id
    16 the set of the draw's own choice when it is a card: "<setId>|<card>,<card>,…" ('' none)
    17..28 that set's prize, as a candidate (12 values, ignored when 16 is '')
    29.. candidates, 12 values each: prize id, hasStock 0|1, hasBudget 0|1, dailyCap (0 none), perUserCap
       (0 none), release ''|d|h, perPeriod, guaranteed 0|1, amount, prize JSON, drawn '1' (the draw's own
       choice, last) | '0' (a guaranteed prize, tried first), pull '1' (out in this shard's bucket: answer
       `short`, the engine can pull units from other shards) | '0' (decided here)

  A won card is counted in the user's cards; when every card of its set is then held once more than the
  sets completed so far, the set is complete (once per completion): the set's prize is won in the same
  step when its stock, budget and caps allow (else the completion counts, without the prize).

  Returns {outcome, reason, prize JSON, chances left, shared clock ms, set: '' | '<setId>|<completions>|<set
  prize JSON or ''>|<reason the set prize was not won, or ''>'}
    outcome: won | lost | ticket | stale | not_live | paused | no_chances | no_ticket | revealed | short
    (revealed: the ticket was revealed before; reason holds its reveal's event id)
    (short: nothing written; reason the bucket s stock | b budget | d daily cap | p released units, the
    3rd value the prize id, the 4th the units needed)
]]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000) + (tonumber(redis.call('GET', KEYS[6])) or 0)
local mode, cid = ARGV[1], ARGV[2]
local startsAt, dayStart, dayEnd, dayIndex = tonumber(ARGV[3]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local winsPerDay, shard, shards = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local user = ARGV[14]

if now < dayStart or now >= dayEnd then return {'stale', '', '', 0, now, ''} end
local st = redis.call('HMGET', KEYS[3], 'state', 'end', 'seed')
local endMs = tonumber(st[2]) or tonumber(ARGV[4])
if st[1] == 'ended' or now < startsAt or now >= endMs then return {'not_live', '', '', 0, now, ''} end
if st[1] == 'paused' then return {'paused', '', '', 0, now, ''} end
local seed = st[3] or ''

local balance = tonumber(redis.call('HGET', KEYS[1], cid)) or 0
local ticket
if mode == 'reveal' then
  ticket = redis.call('HGET', KEYS[7], ARGV[13])
  if not ticket then return {'no_ticket', '', '', balance, now, ''} end
  local state, owner, of, issued, revealed = string.match(ticket, '^(%a)|([^|]*)|([^|]*)|([^|]*)|?([^|]*)')
  if owner ~= user or of ~= cid then return {'no_ticket', '', '', balance, now, ''} end
  if state == 'r' then return {'revealed', revealed, '', balance, now, ''} end
  ticket = issued
elseif balance < 1 then
  return {'no_chances', '', '', 0, now, ''}
end

local function int(n) return string.format('%d', n) end
-- isoOf(ms): an event's "at" (lua/includes/iso-time.lua)
--@include iso-time
local function share(total)
  return math.floor(total / shards) + (shard >= shards - total % shards and 1 or 0)
end

-- releasedUnits(...): units of a paced prize released by now (lua/includes/paced-release.lua)
--@include paced-release

local fDay, fScans, fWins = 'd:' .. cid, 'us:' .. cid, 'uw:' .. cid
local u = redis.call('HMGET', KEYS[2], fDay, fScans, fWins)
local sameDay = u[1] == ARGV[5]
local scansToday, winsToday = sameDay and (tonumber(u[2]) or 0) or 0, sameDay and (tonumber(u[3]) or 0) or 0

-- reason candidate c cannot be won now, or '' and its bucket state; a bucket's refusal also names the
-- bucket (s stock, p released units, d the day's cap, b budget), which other shards may make up for
local function blocker(c)
  local id = c[1]
  if winsPerDay > 0 and winsToday >= winsPerDay then return 'user_cap' end
  if tonumber(c[5]) > 0 and (tonumber(redis.call('HGET', KEYS[2], 'w:' .. cid .. ':' .. id)) or 0) >= tonumber(c[5]) then return 'user_cap' end
  local left = redis.call('HMGET', KEYS[3], 's:' .. id, 'b:' .. id, 'p:' .. id, 'pa:' .. id)
  if c[2] == '1' and (tonumber(left[1]) or 0) <= 0 then return 'out_of_stock', nil, 's' end
  if c[6] ~= '' and (tonumber(left[3]) or 0) >= share(releasedUnits(now, c[6], tonumber(c[7]), c[8], seed, id, startsAt, dayStart, dayEnd, dayIndex)) + (tonumber(left[4]) or 0) then return 'out_of_stock', nil, 'p' end
  local cap = tonumber(c[4])
  if cap > 0 then
    local d = redis.call('HMGET', KEYS[4], 'w:' .. id, 'c:' .. id)
    if (tonumber(d[1]) or 0) >= share(cap) + (tonumber(d[2]) or 0) then return 'daily_cap', nil, 'd' end
  end
  if c[3] == '1' and (tonumber(left[2]) or 0) < tonumber(c[9]) then return 'budget', nil, 'b' end
  return '', left
end

-- the answer when candidate c is out in this shard's bucket `kind` and the engine may pull units of it
local function short(c, kind)
  if kind == nil or c[12] ~= '1' then return nil end
  return {'short', kind, c[1], kind == 'b' and tonumber(c[9]) or 1, now, ''}
end

local function award(c, left)
  local id, w = c[1], {}
  if c[2] == '1' then w[#w + 1], w[#w + 2] = 's:' .. id, int(tonumber(left[1]) - 1) end
  if c[3] == '1' then w[#w + 1], w[#w + 2] = 'b:' .. id, int(tonumber(left[2]) - tonumber(c[9])) end
  if c[6] ~= '' then w[#w + 1], w[#w + 2] = 'p:' .. id, int((tonumber(left[3]) or 0) + 1) end
  if #w > 0 then redis.call('HSET', KEYS[3], unpack(w)) end
  if tonumber(c[4]) > 0 and redis.call('HINCRBY', KEYS[4], 'w:' .. id, 1) == 1 then redis.call('EXPIRE', KEYS[4], 259200) end
  local uw = {fDay, ARGV[5], fScans, int(scansToday), fWins, int(winsToday + 1)}
  if tonumber(c[5]) > 0 then
    uw[7], uw[8] = 'w:' .. cid .. ':' .. id, int((tonumber(redis.call('HGET', KEYS[2], 'w:' .. cid .. ':' .. id)) or 0) + 1)
  end
  redis.call('HSET', KEYS[2], unpack(uw))
end

-- 集卡: whether winning card `id` completes the draw's set (every card held once more than the sets
-- completed so far), read before any write: the set's id, its cards' fields, the completions so far
local setPrize = {}
for i = 17, 28 do setPrize[#setPrize + 1] = ARGV[i] end
local function completion(id)
  if ARGV[16] == '' then return nil end
  local setId, list = string.match(ARGV[16], '^([^|]*)|(.*)$')
  local cards, isCard = {}, false
  for card in string.gmatch(list, '[^,]+') do
    cards[#cards + 1] = cid .. '|' .. card
    if card == id then isCard = true end
  end
  if not isCard then return nil end
  local held = redis.call('HMGET', KEYS[9], unpack(cards))
  local least = math.huge
  for i = 1, #held do least = math.min(least, (tonumber(held[i]) or 0) + (cards[i] == cid .. '|' .. id and 1 or 0)) end
  local done = tonumber(redis.call('HGET', KEYS[9], cid .. '|' .. setId .. '|done')) or 0
  return {setId = setId, completes = least > done, done = done}
end

-- counts the won card; when it completes the set, the set's prize is won in the same step if it may be
local function countCard(id, set)
  redis.call('HINCRBY', KEYS[9], cid .. '|' .. id, 1)
  if not set.completes then return '' end
  redis.call('HSET', KEYS[9], cid .. '|' .. set.setId .. '|done', int(set.done + 1))
  -- the card was a win of the day: the set prize is another, under the same userWinsPerDay
  winsToday = winsToday + 1
  local why, l = blocker(setPrize)
  if why ~= '' then return set.setId .. '|' .. (set.done + 1) .. '||' .. why end
  award(setPrize, l)
  return set.setId .. '|' .. (set.done + 1) .. '|' .. setPrize[10] .. '|'
end
local setDone = ''

local outcome, reason, prize = 'ticket', '', ''
if mode ~= 'ticket' then
  local candidates = {}
  for at = 29, #ARGV, 12 do
    candidates[#candidates + 1] = {ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4], ARGV[at + 5],
      ARGV[at + 6], ARGV[at + 7], ARGV[at + 8], ARGV[at + 9], ARGV[at + 10], ARGV[at + 11]}
  end
  outcome, reason = 'lost', 'no_prize'
  local chosen, left
  for _, c in ipairs(candidates) do
    local why, l, kind = blocker(c)
    local pull = why ~= '' and short(c, kind)
    if pull then return pull end
    if why == '' then
      chosen, left = c, l
      if c[11] == '0' then break end
    elseif c[11] == '1' then
      reason = why
    end
  end
  -- nothing is written before this point: a set prize out here is pulled before the card is counted
  local set = chosen and completion(chosen[1])
  if set and set.completes then
    winsToday = winsToday + 1
    local why, _, kind = blocker(setPrize)
    winsToday = winsToday - 1
    local pull = why ~= '' and short(setPrize, kind)
    if pull then return pull end
  end
  if chosen then
    award(chosen, left)
    outcome, reason, prize = 'won', '', chosen[10]
    if set then setDone = countCard(chosen[1], set) end
  end
end

local setJson = ''
if setDone ~= '' then
  local setId, n, setPrize, why = string.match(setDone, '^([^|]*)|(%d+)|(.-)|([^|]*)$')
  setJson = ',"set":{"id":"' .. setId .. '","completed":' .. n .. ',"prize":' .. (setPrize == '' and 'null' or setPrize) ..
    ',"reason":' .. (why == '' and 'null' or ('"' .. why .. '"')) .. '}'
end
local drawJson = ',"draw":{"outcome":"' .. outcome .. '","reason":' .. (reason == '' and 'null' or ('"' .. reason .. '"')) ..
  ',"prize":' .. (prize == '' and 'null' or prize) .. setJson .. '}'

if mode ~= 'reveal' then balance = redis.call('HINCRBY', KEYS[1], cid, -1) end
-- a reveal spends nothing: the balance in its event is the one read above
local event = ARGV[12] .. ',"at":"' .. isoOf(now) .. '"' .. drawJson .. ',"chances":' .. balance .. '}'
if mode == 'reveal' then
  redis.call('HSET', KEYS[7], ARGV[13], 'r|' .. user .. '|' .. cid .. '|' .. ticket .. '|' .. ARGV[15] .. '|' .. event)
  redis.call('SREM', KEYS[8], ARGV[13])
elseif mode == 'ticket' then
  redis.call('HSET', KEYS[7], ARGV[13], 'o|' .. user .. '|' .. cid .. '|' .. ARGV[15])
  redis.call('SADD', KEYS[8], ARGV[13])
end
redis.call('XADD', KEYS[5], '*', 'j', event)
return {outcome, reason, prize, balance, now, setDone}
