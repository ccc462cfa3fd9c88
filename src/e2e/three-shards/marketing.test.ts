// The marketing suite again with its engines on three shards of one redis-server.
import { marketingSuite } from '../suites/marketing-suite.js';

marketingSuite(3);
