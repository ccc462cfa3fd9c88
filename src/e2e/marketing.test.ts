// The marketing suite (src/e2e/suites/marketing-suite.ts) on one shard.
import { marketingSuite } from './suites/marketing-suite.js';

marketingSuite();
