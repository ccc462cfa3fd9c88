// The reports suite again with its engines on three shards of one redis-server.
import { reportsSuite } from '../suites/reports-suite.js';

reportsSuite(3);
