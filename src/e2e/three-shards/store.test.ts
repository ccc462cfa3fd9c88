// The store-as-a-place suite again with its engine on three shards of one redis-server: every balance,
// check-in and ticket lives on its user's home shard, and one script call there decides.
import { storeSuite } from '../suites/store-suite.js';

storeSuite(3);
