// The store-as-a-place suite (src/e2e/suites/store-suite.ts) on one shard.
import { storeSuite } from './suites/store-suite.js';

storeSuite();
