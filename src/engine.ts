// The composition root: DATA_DIR lock → secrets → Redis → start-up checks → stores → event consumer →
// HTTP; and the ordered shutdown in reverse: stop accepting, finish in-flight scans, drain events to
// SQLite, close Redis. A start-up that fails half-way stops what it had started (StartedParts).
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { loadSecrets } from './secrets.js';
import { EmbeddedRedis } from './redis/embedded-redis.js';
import { COMMAND_TIMEOUT_MS, connectRedis } from './redis/connect.js';
import { SharedClock } from './scan/shared-clock.js';
import { RedisFaults } from './scan/redis-faults.js';
import { loadScript } from './redis/scripts.js';
import { ALL_SHARDS, keys, useShards } from './redis/keys.js';
import { CodeCodec } from './codes/code-codec.js';
import { BatchStore } from './batches/batch-store.js';
import { CampaignStore } from './campaigns/campaign-store.js';
import { MemberStore } from './members/member-store.js';
import { ScanService } from './scan/scan-service.js';
import { ScanMetrics } from './scan/scan-metrics.js';
import { registerRuntimeMetrics } from './metrics/runtime-metrics.js';
import { errorAnswers, registerHttpErrorMetrics } from './metrics/http-errors.js';
import { reportRoutes } from './http/routes/report-routes.js';
import { consoleRoutes } from './console/console-routes.js';
import { ScanReports } from './reports/scan-report.js';
import { Overview } from './reports/overview.js';
import { openEventDb } from './events/event-schema.js';
import { EventQuery } from './events/event-query.js';
import { StreamConsumer } from './persistence/stream-consumer.js';
import { DcrmOutbox } from './dcrm/dcrm-outbox.js';
import { registerDcrmMetrics } from './dcrm/dcrm-metrics.js';
import { listen } from './http/server.js';
import { inFlight } from './http/router.js';
import { scanRoutes } from './http/routes/scan-routes.js';
import { batchRoutes } from './http/routes/batch-routes.js';
import { campaignRoutes } from './http/routes/campaign-routes.js';
import { memberRoutes } from './http/routes/member-routes.js';
import { eventRoutes } from './http/routes/event-routes.js';
import { LimitsBatcher } from './scan/limits-batcher.js';
import { placeShards } from './redis/shard-placement.js';
import { healthRoutes } from './http/routes/health-routes.js';
import { dcrmRoutes } from './http/routes/dcrm-routes.js';
import { landingRoutes } from './http/routes/landing-page.js';
import { rewardRoutes } from './http/routes/reward-routes.js';
import { auditRoutes } from './http/routes/audit-routes.js';
import { Auditor } from './audit/audit.js';
import { BucketMover } from './buckets/bucket-mover.js';
import { ScanCards } from './sets/scan-cards.js';
import { rebalanceRoutes } from './http/routes/rebalance-routes.js';
import { EventIds } from './scan/event-ids.js';
import { VoucherCodec } from './codes/voucher-codec.js';
import { Wins } from './fulfilment/wins.js';
import { Redemptions } from './fulfilment/redemptions.js';
import { Payouts } from './fulfilment/payouts.js';
import { Points } from './fulfilment/points.js';
import { shopRateBoard } from './fulfilment/shop-rate.js';
import { fulfilmentRoutes } from './http/routes/fulfilment-routes.js';
import { fulfilmentPages } from './http/routes/fulfilment-pages.js';
import { EventReports } from './reports/event-reports.js';
import { openDeploymentEvents } from './event-stores/deployment-events.js';
import { DeploymentReader } from './event-stores/deployment-reader.js';
import { StoredWins } from './fulfilment/stored-wins.js';
import { registeredStores } from './event-stores/registered-stores.js';
import { ChinaPlaces } from './reports/china-places.js';
import { SkuPages } from './campaigns/sku-pages.js';
import { viewerOf } from './fulfilment/me-viewer.js';
import { createDemo } from './demo.js';
import { ApiKeyStore, KEYS_MESSAGE } from './identity/api-key-store.js';
import { OperatorAuth } from './identity/operator-auth.js';
import { ConsumerTokens } from './identity/consumer-tokens.js';
import { SessionCookies } from './identity/session-cookie.js';
import { ScanIdentity } from './identity/scan-identity.js';
import { RedemptionGuard } from './limits/redemption-guard.js';
import { LinkTokens } from './identity/link-tokens.js';
import { sessionKey } from './identity/session-key.js';
import { ScanGuard } from './limits/scan-guard.js';
import { keyRoutes } from './http/routes/key-routes.js';
import { openApiRoutes } from './http/routes/openapi-route.js';
import { lockDataDir } from './startup/data-dir-lock.js';
import { StartedParts } from './startup/started-parts.js';
import { NO_TEST_HOOKS, type TestHooks } from './config/test-hooks.js';
import { checkCodeSecretFingerprint } from './startup/code-secret-fingerprint.js';
import { demoRefusal } from './startup/demo-guard.js';
import { eventStoreId } from './event-stores/store-identity.js';
import { registerEventStore } from './event-stores/store-registration.js';
import { SceneCodec } from './codes/scene-codec.js';
import { ticketCodec } from './codes/voucher-codec.js';
import { ShopStore } from './shops/shop-store.js';
import { CheckIns } from './shops/check-ins.js';
import { Draws } from './chances/draws.js';
import { storeRoutes } from './http/routes/store-routes.js';
import { storePages } from './http/routes/store-pages.js';
import type { PersistWorkerData } from './startup/persist-worker-data.js';

async function waitUntil(cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

/** `hooks`: faults and pauses only tests set (none by default) */
export async function serve(config: Config, log: Logger, hooks: TestHooks = NO_TEST_HOOKS): Promise<() => Promise<void>> {
  const started = new StartedParts(log);
  try {
    return await compose(config, log, hooks, started);
  } catch (err) {
    await started.stopAll();
    throw err;
  }
}

/** an open transfer between shards this old was cut (crash, primary down): the engines return its units */
const STRANDED_AFTER_MS = 60_000;

async function compose(config: Config, log: Logger, hooks: TestHooks, started: StartedParts): Promise<() => Promise<void>> {
  // first, before anything in DATA_DIR is touched (the embedded redis-server's left-over cleanup included)
  const lock = lockDataDir(config.dataDir);
  started.add('DATA_DIR lock', () => lock.release());
  const secrets = loadSecrets(config);
  const embedded = config.redisUrl || config.redisCluster ? null : new EmbeddedRedis(config.dataDir, secrets.redisPassword, log);
  if (embedded) started.add('embedded redis-server', () => embedded.stop());
  const redisUrl = embedded ? await embedded.start() : config.redisUrl;
  const target = { url: redisUrl, cluster: config.redisCluster, password: embedded ? secrets.redisPassword : null };
  const redis = await connectRedis(target, { name: 'scanlot' });
  started.add('Redis connection', () => redis.quit().catch(() => undefined));
  await checkCodeSecretFingerprint(redis, secrets.codeSecret, secrets.generatedCodeSecretFile);
  useShards(await placeShards(redis, config.shards));
  const subscriber = await connectRedis(target, { blocking: true, name: 'scanlot-sub' });
  started.add('Redis subscriber', () => subscriber.quit().catch(() => undefined));

  // every decision and record time follows the shared clock (Redis' TIME); the engine's own clock, skewed
  // by SCANLOT_CLOCK_OFFSET_MS in tests, only measures the time between two readings of it
  const clock = new SharedClock(redis, hooks.clockOffsetMs === 0 ? Date.now : () => Date.now() + hooks.clockOffsetMs);
  await clock.start(1000, (err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'reading the shared clock failed'));
  started.add('shared clock', () => clock.stop());
  const now = clock.now;
  const codec = new CodeCodec(secrets.codeSecret);
  const batches = new BatchStore(redis, now);
  // campaign events get their ids as every stored event does (the generator lives with the scan path)
  const campaigns = new CampaignStore(redis, now, new EventIds());
  await campaigns.loadAll();
  const members = new MemberStore(redis);
  const apiKeys = new ApiKeyStore(redis, now);
  await apiKeys.start((err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'API key refresh failed'));
  started.add('API key refresh', () => apiKeys.stop());
  const operators = new OperatorAuth(secrets.adminToken, apiKeys);
  const tokens = config.userTokenKeys.length > 0 ? new ConsumerTokens({ keys: config.userTokenKeys, issuer: config.userTokenIssuer, audience: config.userTokenAudience }, now) : null;
  const sessions = new SessionCookies(sessionKey(secrets.codeSecret), config.publicBaseUrl.startsWith('https:'), now);
  const identity = new ScanIdentity(config.identity, tokens, operators, sessions);

  // campaigns created by other engines on the same Redis
  await subscriber.subscribe(keys.definitionsChannel);
  subscriber.on('message', (_channel: string, message: string) => {
    if (message.startsWith('campaign:')) campaigns.refresh(message.slice(9)).catch((err: unknown) => log.warn({ err }, 'campaign refresh failed'));
    else if (message.startsWith('batch:')) batches.forget(Number(message.slice(6)));
    else if (message === KEYS_MESSAGE) apiKeys.reload().catch((err: unknown) => log.warn({ err }, 'API key reload failed'));
  });
  // messages sent while the subscription was down are lost: after a reconnect, and every 10 s in case a
  // message was missed otherwise, read the definitions again (a missed campaign would mean no draws)
  const reloadFailed = (err: unknown): void => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'reloading campaigns failed');
  subscriber.on('ready', () => {
    batches.forgetAll();
    campaigns.loadAll().catch(reloadFailed);
    apiKeys.reload().catch(reloadFailed);
  });
  const reloadTimer = setInterval(() => campaigns.loadIfChanged().catch(reloadFailed), 10_000);
  reloadTimer.unref();
  started.add('campaign reload timer', () => clearInterval(reloadTimer));

  const db = openEventDb(config.sqlitePath);
  started.add('event store', () => db.close());
  // before reading the stream: the consumer name must be this store's alone
  const registration = await registerEventStore(redis, { storeId: eventStoreId(db), consumer: config.consumerName, sqlitePath: config.sqlitePath, now }, log);
  started.add('event store registration', () => registration.stop());
  const events = new EventQuery(db);
  const persistWorkerData: PersistWorkerData = { codeSecret: secrets.codeSecret, publicBaseUrl: config.publicBaseUrl };
  const consumer = new StreamConsumer(redis, { target, dbPath: config.sqlitePath, consumerName: config.consumerName, reclaimIdleMs: config.reclaimIdleMs, lingerMs: config.persistLingerMs, backgroundNice: config.backgroundNice, workerFile: fileURLToPath(new URL('./startup/persist-worker-entry.js', import.meta.url)), workerData: persistWorkerData }, log);

  const metrics = new ScanMetrics();
  const guard = new ScanGuard({ forgedPerMinute: config.forgedPerMinute, repeatsPerMinute: config.repeatsPerMinute }, metrics.registry);
  registerRuntimeMetrics(metrics.registry);
  registerHttpErrorMetrics(metrics.registry);
  const faults = new RedisFaults(log.child({ component: 'scan' }), metrics.registry);
  // delivery reads what the consumer persisted; its position is in the same SQLite file
  const outbox = new DcrmOutbox(
    db,
    {
      dbPath: config.sqlitePath,
      url: config.dcrmUrl,
      secret: config.dcrmSecret,
      timeoutMs: config.dcrmTimeoutMs,
      policy: {
        batchSize: config.dcrmBatchSize,
        lingerMs: config.dcrmLingerMs,
        retryBaseMs: config.dcrmRetryBaseMs,
        retryMaxMs: config.dcrmRetryMaxMs,
        poisonAttempts: config.dcrmPoisonAttempts,
      },
      now,
    },
    log.child({ component: 'dcrm' }),
  );
  outbox.observe(registerDcrmMetrics(metrics.registry, outbox));
  // at shutdown, after persistence drained (it starts after delivery, so it stops before it): what was
  // just persisted can still go out if the DCRM accepts it
  started.add('DCRM delivery', (graceful) => outbox.stop(graceful ? 5_000 : 1_000));
  outbox.start();
  // at shutdown, the events still in Redis go to SQLite first (bounded)
  started.add('stream consumer', (graceful) => consumer.stop(graceful ? 10_000 : 0));
  await consumer.start();
  // fulfilment writes events of its own (redemption, payout, points) into the same streams
  const vouchers = new VoucherCodec(secrets.codeSecret, config.publicBaseUrl);
  const fulfilmentIds = new EventIds();
  // wins are found in the deployment's event stores, kept attached for the reads that come often
  const deploymentReader = new DeploymentReader(redis, { storeId: registration.storeId, path: config.sqlitePath });
  started.add('deployment store reader', () => deploymentReader.close());
  const storedWins = new StoredWins(deploymentReader.read);
  const wins = new Wins(redis, events, campaigns, vouchers, storedWins);
  // a call Redis reaches later than this is skipped by the script: the client's timeout (a 503) comes
  // after it with a second to spare for the reply's way back
  const limitsBatcher = new LimitsBatcher(redis, loadScript('holdLimits-1.lua'), () => clock.realNow() + COMMAND_TIMEOUT_MS - 1000);
  // a shard whose bucket ran dry pulls units from the others (src/buckets)
  const mover = new BucketMover(redis, now, { pauseBetweenTakeAndGiveMs: hooks.movePauseMs });
  if (config.shards !== 1) {
    const repairTimer = setInterval(() => {
      if (ALL_SHARDS.length === 1) return;
      mover
        .repair(STRANDED_AFTER_MS)
        .then((r) => {
          if (r.moves > 0) log.warn({ moves: r.moves, units: r.units }, 'returned units a cut transfer had stranded between shards');
        })
        .catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'repairing transfers between shards failed'));
    }, STRANDED_AFTER_MS);
    repairTimer.unref();
    started.add('transfer repair timer', () => clearInterval(repairTimer));
  }
  const skuPages = new SkuPages(redis, now);
  // the store as a place: shops and scene codes, check-ins, draw chances and draws (events of their own)
  const scenes = new SceneCodec(secrets.codeSecret, config.publicBaseUrl);
  const shops = new ShopStore(redis, now);
  const draws = new Draws(redis, campaigns, vouchers, ticketCodec(secrets.codeSecret, config.publicBaseUrl), fulfilmentIds, now, mover);
  const checkIns = new CheckIns(redis, scenes, shops, campaigns, fulfilmentIds, now);
  const scans = new ScanService(redis, loadScript('scanCodes-1.lua'), codec, batches, campaigns, clock, COMMAND_TIMEOUT_MS - 1000, faults, vouchers, limitsBatcher, mover,
    hooks.skipCardCount ? null : new ScanCards(redis, vouchers, mover, now, (err) => log.warn({ err }, 'counting a scanned card in its set failed; the persist step counts it')));
  metrics.gauge('scanlot_scan_script_calls', 'scanCodes script calls this engine sent (each carries the scans of one turn for one shard)', () => scans.scriptCalls);
  metrics.gauge('scanlot_limit_script_calls', 'holdLimits script calls this engine sent (user, clerk and IP limits kept on another shard than the code)', () => limitsBatcher.calls);
  const server = await listen(
    [
      ...scanRoutes({ scans, identity, guard, trustProxy: config.trustProxy, metrics, maxInflight: config.maxInflightScans, now }),
      ...batchRoutes(batches, codec, config.publicBaseUrl),
      ...campaignRoutes(campaigns, batches, now, skuPages),
      ...memberRoutes(members, (user) => wins.countOf(user), async (user) => ({ chances: await draws.balances(user), cards: await draws.cards(user) })),
      ...eventRoutes(events),
      ...healthRoutes(redis, events, consumer, metrics, outbox, config.backlogLimit, faults),
      ...dcrmRoutes(outbox),
      ...landingRoutes({ codec, batches, mode: config.identity, links: tokens === null ? null : new LinkTokens(tokens, redis, now), sessions, guard, trustProxy: config.trustProxy, now, campaigns, skuPages }),
      ...keyRoutes(apiKeys),
      ...storeRoutes({ shops, scenes, checkIns, draws, identity }),
      ...storePages({ scenes, shops, mode: config.identity, sessions, draws, campaigns, eventBody: (id) => events.body(id), now }),
      ...rewardRoutes(campaigns, (campaignId, limit) => shopRateBoard(redis, campaignId, (id) => batches.get(id), limit)),
      ...fulfilmentRoutes(
        redis,
        new Redemptions(redis, wins, vouchers, fulfilmentIds, now),
        new Payouts(redis, wins, storedWins, fulfilmentIds, now),
        new Points(redis, fulfilmentIds, now),
        new RedemptionGuard(config.redeemFailuresPerMinute),
        now,
      ),
      // GET /me: the user of the signed session cookie (a tampered one is nobody); voucher codes only for
      // a user the session knows (verified, or the engine's anonymous id), never for a merely claimed id
      ...fulfilmentPages(vouchers, wins, (cookie) => viewerOf(sessions.read(cookie)), { campaigns, pointsOf: async (user) => (await members.get(user)).points, setsOf: (user) => draws.setProgress(user), now, publicBaseUrl: config.publicBaseUrl }),
      ...auditRoutes(new Auditor(redis, campaigns, consumer, { storeId: registration.storeId, path: config.sqlitePath }, now)),
      ...rebalanceRoutes(mover, campaigns),
      ...consoleRoutes(),
      ...openApiRoutes(),
      ...reportRoutes(campaigns, new ScanReports(redis, (id) => batches.get(id)), new Overview({ redis, campaigns, outbox, forged: () => errorAnswers('invalid_code'), now }), now, { wins, events: new EventReports(async () => openDeploymentEvents(await registeredStores(redis), { storeId: registration.storeId, path: config.sqlitePath })), places: new ChinaPlaces() }),
    ],
    operators,
    config.host,
    config.port,
    log,
  );
  // at shutdown: stop accepting, refuse on kept-alive connections, answer what is in flight (bounded)
  started.add('HTTP server', async (graceful) => {
    server.close();
    inFlight.draining = true;
    if (graceful) await waitUntil(() => inFlight.count === 0, 10_000);
  });
  log.info({ port: server.port, redis: embedded ? 'embedded' : 'external', identity: config.identity }, 'scanlot listening');

  const demoWanted = secrets.firstStart && config.demo;
  const demoRefused = demoWanted ? await demoRefusal(redis) : null;
  if (demoRefused !== null) log.warn(demoRefused);
  if (demoWanted && demoRefused === null) {
    const demo = await createDemo(batches, campaigns, codec, now());
    const urls = demo.codes.map((c) => `${config.publicBaseUrl}/c/${c}`);
    process.stdout.write(
      [
        '',
        'scanlot: first start, demo created (1 SKU, batch ' + demo.batchId + ' of 1,000 codes, 1 live campaign)',
        `  admin token: ${secrets.adminToken}   (also in ${config.dataDir}/admin-token)`,
        '  scan URLs:',
        ...urls.map((u) => `    ${u}`),
        '  scan one:',
        `    curl -s -X POST http://127.0.0.1:${server.port}/v1/scans -H 'content-type: application/json' -d '{"code":"${demo.codes[0]}","user":"demo_user"}'`,
        '',
      ].join('\n') + '\n',
    );
  }

  // shutdown is the start-up in reverse: every part started above, last first
  let stopping: Promise<void> | null = null;
  return () =>
    (stopping ??= (async () => {
      log.info({ order: started.names }, 'shutting down');
      await started.stopAll(true);
      log.info('stopped');
    })());
}

