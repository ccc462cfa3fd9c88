// The members of the user win index (keys.userWinIndex): one sorted set per bucket of users, every member
// of score 0, so that one user's wins are a lexicographic range (ZRANGEBYLEX), newest last:
//   "<user>|<time36>:<batch36>:<serial36>"  a win that is its code's record (the event id names the code:
//                                           its random part is in the record, not repeated here)
//   "<user>|<win id>"                       any other win (a clerk's, a draw's, an id from before)
// A user id never holds "|" (ID_RE); engine-made ids never hold ":".

/** The part of a scan event id before its random part, and the code it names (src/scan/event-ids.ts) */
const CODE_WIN_ID = /^([0-9a-z]+)[0-9a-f]{20}_([0-9a-z]{1,10})_([0-9a-z]{1,10})$/;
const CODE_TOKEN = /^([0-9a-z]+):([0-9a-z]{1,10}):([0-9a-z]{1,10})$/;

export type IndexedWin = { readonly kind: 'code'; readonly batchId: number; readonly serial: number } | { readonly kind: 'id'; readonly winId: string };

export function userWinMember(user: string, winId: string): string {
  const m = CODE_WIN_ID.exec(winId);
  return m === null ? `${user}|${winId}` : `${user}|${m[1]}:${m[2]}:${m[3]}`;
}

/** The win a member of `user`'s range names. */
export function indexedWin(member: string): IndexedWin {
  const token = member.slice(member.indexOf('|') + 1);
  const m = CODE_TOKEN.exec(token);
  if (m === null) return { kind: 'id', winId: token };
  return { kind: 'code', batchId: parseInt(m[2] as string, 36), serial: parseInt(m[3] as string, 36) };
}

/** ZRANGEBYLEX bounds of one user's members: "|" and "}" are neighbours in ASCII, and no user holds "|" */
export function userWinRange(user: string): { readonly min: string; readonly max: string } {
  return { min: `[${user}|`, max: `(${user}}` };
}
