// The routes the engine registers (src/engine.ts lists the same factories), built with placeholder
// dependencies so that their method, pattern, roles and body flag can be read without starting anything:
// no handler runs. The OpenAPI test compares this table with docs/openapi.yaml.
import type { Route } from '../http/router.js';
import { auditRoutes } from '../http/routes/audit-routes.js';
import { batchRoutes } from '../http/routes/batch-routes.js';
import { campaignRoutes } from '../http/routes/campaign-routes.js';
import { dcrmRoutes } from '../http/routes/dcrm-routes.js';
import { eventRoutes } from '../http/routes/event-routes.js';
import { fulfilmentPages } from '../http/routes/fulfilment-pages.js';
import { fulfilmentRoutes } from '../http/routes/fulfilment-routes.js';
import { healthRoutes } from '../http/routes/health-routes.js';
import { keyRoutes } from '../http/routes/key-routes.js';
import { landingRoutes } from '../http/routes/landing-page.js';
import { memberRoutes } from '../http/routes/member-routes.js';
import { openApiRoutes } from '../http/routes/openapi-route.js';
import { rebalanceRoutes } from '../http/routes/rebalance-routes.js';
import { reportRoutes } from '../http/routes/report-routes.js';
import { rewardRoutes } from '../http/routes/reward-routes.js';
import { scanRoutes } from '../http/routes/scan-routes.js';
import { storeRoutes } from '../http/routes/store-routes.js';
import { storePages } from '../http/routes/store-pages.js';
import { consoleRoutes } from '../console/console-routes.js';
import { ScanMetrics } from '../scan/scan-metrics.js';

export type RouteInfo = Pick<Route, 'method' | 'pattern' | 'roles' | 'body'>;

/** never called: the route factories only keep their dependencies for the handlers */
const unused = {} as never;
const now = (): number => Date.now();

export function engineRouteTable(): RouteInfo[] {
  const routes: Route[] = [
    ...scanRoutes({ scans: unused, identity: unused, guard: unused, trustProxy: 0, metrics: new ScanMetrics(), maxInflight: 1, now }),
    ...batchRoutes(unused, unused, 'http://localhost'),
    ...campaignRoutes(unused, unused, now, unused),
    ...memberRoutes(unused, unused, unused),
    ...eventRoutes(unused),
    ...healthRoutes(unused, unused, unused, new ScanMetrics(), unused, 0, unused),
    ...dcrmRoutes(unused),
    ...landingRoutes({ codec: unused, batches: unused, mode: 'open', links: null, sessions: unused, guard: unused, trustProxy: 0, now, campaigns: unused, skuPages: unused }),
    ...keyRoutes(unused),
    ...storeRoutes({ shops: unused, scenes: unused, checkIns: unused, draws: unused, identity: unused }),
    ...storePages({ scenes: unused, shops: unused, mode: 'open', sessions: unused, draws: unused, campaigns: unused, eventBody: () => null, now }),
    ...rewardRoutes(unused, unused),
    ...fulfilmentRoutes(unused, unused, unused, unused, unused, now),
    ...fulfilmentPages(unused, unused, () => null, { campaigns: unused, pointsOf: unused, now, publicBaseUrl: 'http://localhost' }),
    ...auditRoutes(unused),
    ...rebalanceRoutes(unused, unused),
    ...consoleRoutes(),
    ...openApiRoutes(),
    ...reportRoutes(unused, unused, unused, now, unused),
  ];
  return routes.map(({ method, pattern, roles, body }) => ({ method, pattern, roles, body }));
}
