// The field names of a campaign's hashes in each shard, named once as keys.ts names the keys: the state
// hash (keys.campaignState) and the day hash (keys.campaignDay). The Lua scripts that read or write them
// (scanCodes, patchCampaign, takeUnits, giveUnits) spell the same names; each script's header lists the
// fields it touches with a pointer here, so a rename shows in both places.

/** the state hash: what the scan script decides on, beside the definition under {meta} */
export const stateField = {
  /** live | paused | ended; absent = live */
  state: 'state',
  /** endsAt in epoch ms after a later end (absent: the definition's) */
  end: 'end',
  /** the seed of the guaranteed release moments, the same in every shard */
  seed: 'seed',
  /** stock units left in this shard's bucket */
  stock: (prize: string): `s:${string}` => `s:${prize}`,
  /** budget left in this shard's bucket */
  budget: (prize: string): `b:${string}` => `b:${prize}`,
  /** stock added by top-ups, in total */
  toppedUpStock: (prize: string): `ts:${string}` => `ts:${prize}`,
  /** budget added by top-ups, in total */
  toppedUpBudget: (prize: string): `tb:${string}` => `tb:${prize}`,
  /** a paced prize's released units moved into (+) or out of (−) this shard */
  pacedMoved: (prize: string): `pa:${string}` => `pa:${prize}`,
  /** a paced prize's wins in this shard */
  pacedWins: (prize: string): `p:${string}` => `p:${prize}`,
} as const;

/** the day hash of one campaign day (YYYYMMDD in the campaign's time zone) */
export const dayField = {
  /** daily-cap units moved into (+) or out of (−) this shard that day */
  capMoved: (prize: string): `c:${string}` => `c:${prize}`,
  /** wins of a prize with a dailyCap that day */
  wins: (prize: string): `w:${string}` => `w:${prize}`,
} as const;

/** the stats hash (keys.campaignStats), added up by the persist step: o:<outcome>[:<reason>], diverted, w:<prize>, w:<prize>:<YYYY-MM-DD> */
export const statsField = {
  outcome: (outcome: string, reason: string | null) => (reason === null ? `o:${outcome}` : `o:${outcome}:${reason}`),
  won: (prize: string) => `w:${prize}`,
  wonOn: (prize: string, day: string) => `w:${prize}:${day}`,
};
