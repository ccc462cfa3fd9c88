// Every concern's aggregate source, applied by the persist step in this order (see aggregate-op.ts).
import type { AggregateSource } from './aggregate-op.js';
import { campaignFigures } from './campaign-figures.js';

export const AGGREGATE_SOURCES: readonly AggregateSource[] = [campaignFigures];
