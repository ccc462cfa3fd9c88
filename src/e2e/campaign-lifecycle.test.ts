// The campaign-lifecycle suite (src/e2e/suites/campaign-lifecycle-suite.ts) on one shard.
import { campaignLifecycleSuite } from './suites/campaign-lifecycle-suite.js';

campaignLifecycleSuite();
