// The reports suite (src/e2e/suites/reports-suite.ts) on one shard.
import { reportsSuite } from './suites/reports-suite.js';

reportsSuite();
