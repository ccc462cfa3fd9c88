--[[
  checkIn: a user's check-in at a shop for one campaign day (门店打卡), at most once per user, shop and
  day, with what it grants (points, draw chances) and its event, in one atomic step. Everything is on the
  user's home shard. The engine checked the campaign (live, not paused), the scene code and the position.

  KEYS (all of the user's home shard)
    1 checkins  hash "<user>|<shop>" -> eventId of that day's check-in (campaign prefix + checkin:<day>)
    2 chances   hash campaignId -> draw chances left (the user's)
    3 member    hash of the member: points (an anonymous visitor's counters: points is always 0 then)
    4 events    the event stream

  ARGV
    1 field "<user>|<shop>"  2 eventId  3 campaignId  4 points to credit (0: none)  5 chances to grant (0: none)
    6 event JSON head: '{"id":…,"type":"checkin",…' without the closing brace; the script appends
      ',"points":<balance>,"chances":<balance>}'
    7 seconds the day's hash is kept (it outlives its day by two)

  Returns {1, chances balance, points balance} checked in now
        | {0, eventId of the day's earlier check-in} (nothing written)
]]
local earlier = redis.call('HGET', KEYS[1], ARGV[1])
if earlier then return {0, earlier} end
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
redis.call('XADD', KEYS[4], '*', 'j', ARGV[6] .. ',"points":' .. pointsNow .. ',"chances":' .. chancesNow .. '}')
return {1, chancesNow, pointsNow}
