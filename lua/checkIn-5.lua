--[[
  checkIn: a user's check-in at a shop for one campaign day (门店打卡), at most once per user, shop and
  day, with what it grants (points, draw chances) and its event, in one atomic step. Everything is on the
  user's home shard. The engine checked the campaign (live, not paused), the scene code and the position.

  Time is this Redis' clock plus the clock-shift key, as for scans and draws: the check-in's day and the
  event's time are this clock's. The engine names the campaign day it believes; a check-in outside that
  day is answered `stale` without a write, for the engine to send again with this clock's time.

  KEYS (all of the user's home shard)
    1 checkins  hash "<user>|<shop>" -> eventId of that day's check-in (campaign prefix + checkin:<day>)
    2 chances   hash campaignId -> draw chances left (the user's)
    3 member    hash of the member: points (an anonymous visitor's counters: points is always 0 then)
    4 events    the event stream
    5 clock shift (absent: none)

  ARGV
    1 field "<user>|<shop>"  2 eventId  3 campaignId  4 points to credit (0: none)  5 chances to grant (0: none)
    6 event JSON head: '{"id":…,"type":"checkin",…' without "at" and the closing brace; the script appends
      ',"at":"<its time>","points":<balance>,"chances":<balance>}'
    7 seconds the day's hash is kept (it outlives its day by two)
    8 the day's start ms  9 its end ms (the day of KEYS[1], in the campaign's time zone)

  Returns {1, chances balance, points balance, shared clock ms} checked in now
        | {0, eventId of the day's earlier check-in, 0, shared clock ms} (nothing written)
        | {2, 0, 0, shared clock ms} stale: that clock is outside the day (nothing written)
]]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000) + (tonumber(redis.call('GET', KEYS[5])) or 0)
if now < tonumber(ARGV[8]) or now >= tonumber(ARGV[9]) then return {2, 0, 0, now} end
local earlier = redis.call('HGET', KEYS[1], ARGV[1])
if earlier then return {0, earlier, 0, now} end
local points, chances = tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[7]) end
local pointsNow = 0
if points > 0 then
  pointsNow = redis.call('HINCRBY', KEYS[3], 'points', points)
else
  pointsNow = tonumber(redis.call('HGET', KEYS[3], 'points')) or 0
end
local chancesNow = 0
if chances > 0 then
  chancesNow = redis.call('HINCRBY', KEYS[2], ARGV[3], chances)
else
  chancesNow = tonumber(redis.call('HGET', KEYS[2], ARGV[3])) or 0
end
--@include iso-time
redis.call('XADD', KEYS[4], '*', 'j', ARGV[6] .. ',"at":"' .. isoOf(now) .. '","points":' .. pointsNow .. ',"chances":' .. chancesNow .. '}')
return {1, chancesNow, pointsNow, now}
