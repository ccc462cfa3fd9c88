// The campaign-lifecycle suite again with its engines on three shards of one redis-server.
import { campaignLifecycleSuite } from '../suites/campaign-lifecycle-suite.js';

campaignLifecycleSuite(3);
