// The pacing suite (src/e2e/suites/pacing-suite.ts) on one shard.
import { pacingSuite } from './suites/pacing-suite.js';

pacingSuite();
