// The words of the winner's pages (voucher, /me), in Chinese and English: what a buyer reads, never a
// code of the API.
import type { Lang } from './page-language.js';

export type WinStateName = 'open' | 'redeemed' | 'pending' | 'paid' | 'failed' | 'credited' | 'collected';

export const WORDS = {
  zh: {
    myPrizes: '我的奖品',
    noPrizes: '您还没有奖品。扫描产品上的二维码参与活动。',
    points: '积分余额',
    voucher: '兑奖券',
    openVoucher: '查看兑奖券',
    youWon: '恭喜您获得',
    invalidVoucher: '无效的兑奖券',
    invalidVoucherLine: '未找到此兑奖券，请核对后重试。',
    showInShop: '到店出示此二维码，店员扫码后即可领取奖品。',
    redeemBy: '兑奖截止',
    expired: '已过期',
    redeemedAt: (shop: string, at: string) => `已于 ${at} 在门店 ${shop} 核销`,
    wonAt: (at: string) => `中奖时间 ${at}`,
    yuan: (fen: number) => `¥${(fen / 100).toFixed(2)}`,
    pointsN: (n: number) => `${n} 积分`,
    state: {
      open: '未使用',
      redeemed: '已核销',
      pending: '红包发放中，一般 24 小时内到账',
      paid: '红包已到账',
      failed: '红包发放失败，请联系品牌客服',
      credited: '积分已到账',
      collected: '已放入集卡册',
    } satisfies Record<WinStateName, string>,
  },
  en: {
    myPrizes: 'My prizes',
    noPrizes: 'No prizes yet. Scan the QR code on a product to take part.',
    points: 'Points balance',
    voucher: 'Voucher',
    openVoucher: 'Open voucher',
    youWon: 'You won',
    invalidVoucher: 'Invalid voucher',
    invalidVoucherLine: 'This voucher is unknown: please check it and try again.',
    showInShop: 'Show this QR code in a shop: the clerk scans it and hands over your prize.',
    redeemBy: 'Redeem by',
    expired: 'expired',
    redeemedAt: (shop: string, at: string) => `Redeemed at shop ${shop} on ${at}`,
    wonAt: (at: string) => `Won on ${at}`,
    yuan: (fen: number) => `¥${(fen / 100).toFixed(2)}`,
    pointsN: (n: number) => `${n} points`,
    state: {
      open: 'Not yet redeemed',
      redeemed: 'Redeemed',
      pending: 'Being paid out, usually within 24 hours',
      paid: 'Paid out',
      failed: 'The payout failed: please call the brand',
      credited: 'Points credited',
      collected: 'Added to your card set',
    } satisfies Record<WinStateName, string>,
  },
} as const;

export type Words = (typeof WORDS)[Lang];

/** a prize as one line: cash in yuan (the API counts fen), points as points */
export function prizeLine(w: Words, p: { name: string; kind: string; amount: number | null }): string {
  if (p.amount === null) return p.name;
  if (p.kind === 'cash') return `${p.name} ${w.yuan(p.amount)}`;
  if (p.kind === 'points') return `${p.name} +${w.pointsN(p.amount)}`;
  return p.name;
}
