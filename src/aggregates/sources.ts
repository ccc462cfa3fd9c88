// Every concern's aggregate source, applied by the persist step in this order (see aggregate-op.ts).
import type { AggregateSource } from './aggregate-op.js';
import { campaignFigures } from './campaign-figures.js';
import { winSource } from '../fulfilment/win-source.js';
import { payoutSource } from '../fulfilment/payout-source.js';
import { redemptionSource } from '../fulfilment/redemption-source.js';
import { shopRateSource } from '../fulfilment/shop-rate-source.js';
import { scanReportSource } from '../reports/scan-report-source.js';

export const AGGREGATE_SOURCES: readonly AggregateSource[] = [campaignFigures, winSource, payoutSource, redemptionSource, shopRateSource, scanReportSource];
