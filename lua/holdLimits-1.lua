#!lua
--[[
  holdLimits: the limits of scans whose user (or IP) lives in this shard while their code lives in
  another one. With several shards a user's counters stay in one place, the user's home shard, so that
  userScansPerDay, userWinsPerDay and perUserCap hold exactly wherever the user's codes are; an IP's
  per-minute count likewise lives on the IP's home shard. Before the scan's own call (lua/scanCodes-1.lua
  on the code's shard) the engine reserves here what the scan may use; after it, it releases what the scan
  did not use. Reservations a crash leaves behind make a user win less, never more.

  Entries of one call are applied in order, each atomically. Read everything first, then write.

  KEYS
    1 any key of this shard (routes the call on Redis Cluster; the script builds every key it touches
      from the prefixes below, all of this shard)

  ARGV
    1 member prefix (+ user)  2 anonymous visitor prefix (+ user)  3 clock shift key of this shard
    4 MessagePack array of entries, each an array whose first item names its kind:
      reserve  {'u', user, campaignId, day (YYYYMMDD the scan believes), userScansPerDay, userWinsPerDay,
                levelMap (10 characters: '0' none or the chosen prize of each level),
                chosen: array of {prizeId, perUserCap, guaranteed '1'|'0', clerk '1'|'0'}}
                Counts the scan (userScansPerDay), then for the prizes the user may win (the level's
                choice and the guaranteed prizes, the clerk's aside) reserves one win of the day
                (userWinsPerDay) and one win of each capped prize.
      count IP {'i', key prefix of the IP's minute counter ('{t}:cp:<id>:ip:<ip>:'), ipScansPerMinute}
      clerk    {'k', the clerk's hash ('{t}:cp:<id>:clerk:<clerk>'), prize id, perUserCap}: reserves one win
                of the clerk's prize when the clerk has fewer than perUserCap
      release  {'r', user, campaignId, day, scans 0|1, wins 0|1, prize ids: array}
                Gives back a reserved scan and win of `day` (nothing once the user's day moved on) and
                reserved prize wins.
      uncount  {'x', the IP minute counter's key}
      unclerk  {'y', the clerk's hash, prize id}: gives back a reserved win of the clerk's prize
    5 deadline, ms of Redis' TIME without the shift: once it has passed, reserve, count IP and clerk
      entries do nothing and answer 'e' (the engine has answered, or will answer, 503); releases apply

  Returns one string, 5 values per entry joined by \31 (first value 'e': past the deadline, nothing done):
    reserve: status ('-' ok | 'b' blacklisted | 'u' past userScansPerDay), member level '0'..'9',
             grants (one character per chosen prize: '1' the user may win it, '0' a user limit refuses it),
             '1' when a win of the day was reserved else '0', the reserved prize ids joined by ','
    count IP: 'o' within the limit | 'x' past it, the counter's key, '', '', ''
    clerk: 'o' reserved | 'x' the clerk has perUserCap wins, '', '', '', ''
    release, uncount, unclerk: '', '', '', '', ''
]]

local clock = redis.call('TIME')
local realNow = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local now = realNow + (tonumber(redis.call('GET', ARGV[3])) or 0)
local expired = realNow > tonumber(ARGV[5])
local minute = string.format('%d', math.floor(now / 60000))
local memberPrefix, anonPrefix = ARGV[1], ARGV[2]
local entries = cmsgpack.unpack(ARGV[4])
local out, n = {}, 0

local function int(v)
  return string.format('%d', v)
end

local function userKeyOf(user)
  return (string.sub(user, 1, 5) == 'anon_' and anonPrefix or memberPrefix) .. user
end

local function reserve(e)
  local user, cid, day, perDay, winsPerDay, levelMap, chosen = e[2], e[3], e[4], tonumber(e[5]), tonumber(e[6]), e[7], e[8]
  local anon = string.sub(user, 1, 5) == 'anon_'
  local key = userKeyOf(user)
  -- the capped prizes the user may win: read once each
  local fields = {'blocked', 'level', 'd:' .. cid, 'us:' .. cid, 'uw:' .. cid}
  local capAt = {}
  for _, p in ipairs(chosen) do
    if tonumber(p[2]) > 0 and not capAt[p[1]] then
      fields[#fields + 1] = 'w:' .. cid .. ':' .. p[1]
      capAt[p[1]] = #fields
    end
  end
  local v = redis.call('HMGET', key, unpack(fields))
  local level = 0
  if not anon then
    if v[1] == '1' then return {'b', '0', '', '0', ''} end
    level = tonumber(v[2]) or 0
    if level < 0 then level = 0 elseif level > 9 then level = 9 end
  end
  local scans, wins = 0, 0
  if v[3] == day then scans, wins = tonumber(v[4]) or 0, tonumber(v[5]) or 0 end
  local writes = {}
  if perDay > 0 then
    scans = scans + 1
    writes = {'d:' .. cid, day, 'us:' .. cid, int(scans), 'uw:' .. cid, int(wins)}
    if scans > perDay then
      redis.call('HSET', key, unpack(writes))
      return {'u', int(level), '', '0', ''}
    end
  end
  -- the prizes this scan may win: its level's choice and the guaranteed ones
  local choice = tonumber(string.sub(levelMap, level + 1, level + 1)) or 0
  local candidate = {}
  local any = false
  for g, p in ipairs(chosen) do
    if p[4] ~= '1' and (g == choice or p[3] == '1') then
      candidate[g] = true
      any = true
    end
  end
  local slot = '0'
  local allowed = any
  if any and winsPerDay > 0 then
    if wins < winsPerDay then
      slot = '1'
      writes = {'d:' .. cid, day, 'us:' .. cid, int(scans), 'uw:' .. cid, int(wins + 1)}
    else
      allowed = false
    end
  end
  local grants, reserved, granted = {}, {}, {}
  for g, p in ipairs(chosen) do
    local ok = false
    if allowed and candidate[g] then
      local cap = tonumber(p[2])
      if cap == 0 or granted[p[1]] then
        ok = true
      elseif granted[p[1]] == nil then
        local had = tonumber(v[capAt[p[1]]]) or 0
        granted[p[1]] = had < cap
        if had < cap then
          writes[#writes + 1], writes[#writes + 2] = 'w:' .. cid .. ':' .. p[1], int(had + 1)
          reserved[#reserved + 1] = p[1]
        end
        ok = had < cap
      end
    end
    grants[g] = ok and '1' or '0'
  end
  if #writes > 0 then redis.call('HSET', key, unpack(writes)) end
  return {'-', int(level), table.concat(grants), slot, table.concat(reserved, ',')}
end

local function countIp(e)
  local key = e[2] .. minute
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, 120) end
  return {count > tonumber(e[3]) and 'x' or 'o', key, '', '', ''}
end

local function decrement(key, field)
  if (tonumber(redis.call('HGET', key, field)) or 0) > 0 then redis.call('HINCRBY', key, field, -1) end
end

local function release(e)
  local user, cid, day = e[2], e[3], e[4]
  local key = userKeyOf(user)
  -- a day's counters that were reset by a later day are not the ones reserved
  if redis.call('HGET', key, 'd:' .. cid) == day then
    if e[5] == '1' then decrement(key, 'us:' .. cid) end
    if e[6] == '1' then decrement(key, 'uw:' .. cid) end
  end
  for _, prize in ipairs(e[7]) do decrement(key, 'w:' .. cid .. ':' .. prize) end
  return {'', '', '', '', ''}
end

local function clerk(e)
  local field = 'w:' .. e[3]
  if (tonumber(redis.call('HGET', e[2], field)) or 0) >= tonumber(e[4]) then return {'x', '', '', '', ''} end
  redis.call('HINCRBY', e[2], field, 1)
  return {'o', '', '', '', ''}
end

local function uncount(e)
  if (tonumber(redis.call('GET', e[2])) or 0) > 0 then redis.call('DECR', e[2]) end
  return {'', '', '', '', ''}
end

for i = 1, #entries do
  local e = entries[i]
  local reply
  if expired and (e[1] == 'u' or e[1] == 'i' or e[1] == 'k') then reply = {'e', '', '', '', ''}
  elseif e[1] == 'u' then reply = reserve(e)
  elseif e[1] == 'i' then reply = countIp(e)
  elseif e[1] == 'r' then reply = release(e)
  elseif e[1] == 'k' then reply = clerk(e)
  elseif e[1] == 'y' then
    decrement(e[2], 'w:' .. e[3])
    reply = {'', '', '', '', ''}
  else reply = uncount(e) end
  for j = 1, 5 do out[n + j] = reply[j] end
  n = n + 5
end
return table.concat(out, '\31')
