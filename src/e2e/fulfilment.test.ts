// The fulfilment suite (src/e2e/suites/fulfilment-suite.ts) on one shard.
import { fulfilmentSuite } from './suites/fulfilment-suite.js';

fulfilmentSuite();
