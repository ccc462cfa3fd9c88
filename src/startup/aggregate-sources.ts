// Every concern's aggregate source, applied by the persist step in this order (see
// src/aggregates/aggregate-op.ts). The list names sources of higher layers (fulfilment, reports), so it is
// composed here and handed to the persist step (src/startup/persist-worker-entry.ts).
import type { AggregateSource } from '../aggregates/aggregate-op.js';
import { campaignFigures } from '../aggregates/campaign-figures.js';
import { redemptionSource } from '../fulfilment/redemption-source.js';
import { shopRateSource } from '../fulfilment/shop-rate-source.js';
import { scanReportSource } from '../reports/scan-report-source.js';

export const AGGREGATE_SOURCES: readonly AggregateSource[] = [campaignFigures, redemptionSource, shopRateSource, scanReportSource];
