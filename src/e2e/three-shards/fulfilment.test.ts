// The fulfilment suite again with its engines on three shards of one redis-server.
import { fulfilmentSuite } from '../suites/fulfilment-suite.js';

fulfilmentSuite(3);
