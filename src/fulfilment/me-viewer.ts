// Who looks at GET /me, and whether they may see voucher codes. A voucher code is what a shop redeems:
// shown to a session that merely claimed its user id (open mode's ?user=), it would let anyone who knows
// or guesses a user id take that user's prizes. So codes are shown to verified sessions and to the
// engine's own anonymous ids only; a claimed session sees its wins and their states, without codes.
import type { Session } from '../identity/session-cookie.js';
import type { WinState } from './wins.js';

export interface MeViewer {
  readonly user: string;
  readonly showVouchers: boolean;
}

export const viewerOf = (session: Session | null): MeViewer | null =>
  session === null ? null : { user: session.user, showVouchers: session.kind !== 'claimed' };

/** the wins as the viewer may see them: without voucher codes (nor their URLs) when it may not */
export function winsFor(viewer: MeViewer, wins: readonly WinState[]): WinState[] {
  if (viewer.showVouchers) return [...wins];
  return wins.map((s) => {
    if (s.win.prize.voucher === undefined) return s;
    const { voucher: _voucher, ...prize } = s.win.prize;
    return { ...s, win: { ...s.win, prize } };
  });
}
