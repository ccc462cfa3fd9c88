// The pacing suite again with its engine on three shards of one redis-server: released units (and the
// guaranteed ones) are split over the shards and pulled to where the scans are.
import { pacingSuite } from '../suites/pacing-suite.js';

pacingSuite(3);
