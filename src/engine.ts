// The composition root: config → secrets → Redis → stores → event consumer → HTTP; and the ordered
// shutdown in reverse: stop accepting, finish in-flight scans, drain events to SQLite, close Redis.
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { loadSecrets } from './secrets.js';
import { EmbeddedRedis } from './redis/embedded-redis.js';
import { connectRedis } from './redis/connect.js';
import { loadScript } from './redis/scripts.js';
import { keys } from './redis/keys.js';
import { CodeCodec } from './codes/code-codec.js';
import { BatchStore } from './batches/batch-store.js';
import { CampaignStore } from './campaigns/campaign-store.js';
import { MemberStore } from './members/member-store.js';
import { ScanService } from './scan/scan-service.js';
import { ScanMetrics } from './scan/scan-metrics.js';
import { openEventDb } from './events/event-schema.js';
import { EventQuery } from './events/event-query.js';
import { StreamConsumer } from './events/stream-consumer.js';
import { DcrmOutbox } from './events/dcrm-outbox.js';
import { registerDcrmMetrics } from './events/dcrm-metrics.js';
import { listen } from './http/server.js';
import { inFlight } from './http/router.js';
import { scanRoutes } from './http/routes/scan-routes.js';
import { batchRoutes } from './http/routes/batch-routes.js';
import { campaignRoutes } from './http/routes/campaign-routes.js';
import { memberRoutes } from './http/routes/member-routes.js';
import { eventRoutes } from './http/routes/event-routes.js';
import { healthRoutes } from './http/routes/health-routes.js';
import { dcrmRoutes } from './http/routes/dcrm-routes.js';
import { landingRoutes } from './http/routes/landing-page.js';
import { rewardRoutes } from './http/routes/reward-routes.js';
import { auditRoutes } from './http/routes/audit-routes.js';
import { Auditor } from './audit/audit.js';
import { Redemptions } from './members/redemptions.js';
import { createDemo } from './demo.js';
import { ApiKeyStore, KEYS_MESSAGE } from './identity/api-key-store.js';
import { OperatorAuth } from './identity/operator-auth.js';
import { ConsumerTokens } from './identity/consumer-tokens.js';
import { SessionCookies } from './identity/session-cookie.js';
import { ScanIdentity } from './identity/scan-identity.js';
import { sessionKey } from './identity/session-key.js';
import { ScanGuard } from './limits/scan-guard.js';
import { keyRoutes } from './http/routes/key-routes.js';

async function waitUntil(cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

export async function serve(config: Config, log: Logger): Promise<() => Promise<void>> {
  const secrets = loadSecrets(config);
  const embedded = config.redisUrl || config.redisCluster ? null : new EmbeddedRedis(config.dataDir, secrets.redisPassword, log);
  const redisUrl = embedded ? await embedded.start() : config.redisUrl;
  const target = { url: redisUrl, cluster: config.redisCluster, password: embedded ? secrets.redisPassword : null };
  const redis = await connectRedis(target, { name: 'scanlot' });
  const subscriber = await connectRedis(target, { blocking: true, name: 'scanlot-sub' });

  const now = config.clockOffsetMs === 0 ? Date.now : () => Date.now() + config.clockOffsetMs;
  const codec = new CodeCodec(secrets.codeSecret);
  const batches = new BatchStore(redis, now);
  const campaigns = new CampaignStore(redis, now);
  await campaigns.loadAll();
  const members = new MemberStore(redis);
  const apiKeys = new ApiKeyStore(redis, now);
  await apiKeys.start((err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'API key refresh failed'));
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

  const db = openEventDb(config.sqlitePath);
  const events = new EventQuery(db);
  const consumer = new StreamConsumer(redis, { target, dbPath: config.sqlitePath, consumerName: config.consumerName, reclaimIdleMs: config.reclaimIdleMs, lingerMs: config.persistLingerMs }, log);
  await consumer.start();

  const metrics = new ScanMetrics();
  const guard = new ScanGuard({ forgedPerMinute: config.forgedPerMinute, repeatsPerMinute: config.repeatsPerMinute }, metrics.registry);
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
  outbox.start();
  const scans = new ScanService(redis, loadScript('scanCodes-1.lua'), codec, batches, campaigns, now);
  const server = await listen(
    [
      ...scanRoutes({ scans, identity, guard, trustProxy: config.trustProxy, metrics, maxInflight: config.maxInflightScans, now }),
      ...batchRoutes(batches, codec, config.publicBaseUrl),
      ...campaignRoutes(campaigns, batches, now),
      ...memberRoutes(members),
      ...eventRoutes(events),
      ...healthRoutes(redis, events, consumer, metrics, outbox),
      ...dcrmRoutes(outbox),
      ...landingRoutes({ codec, batches, mode: config.identity, tokens, sessions, guard, trustProxy: config.trustProxy, now }),
      ...keyRoutes(apiKeys),
      ...rewardRoutes(campaigns, new Redemptions(redis, events, now)),
      ...auditRoutes(new Auditor(redis, db, campaigns, consumer)),
    ],
    operators,
    config.host,
    config.port,
    log,
  );
  log.info({ port: server.port, redis: embedded ? 'embedded' : 'external', identity: config.identity }, 'scanlot listening');

  if (secrets.firstStart && config.demo) {
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

  let stopping: Promise<void> | null = null;
  return () =>
    (stopping ??= (async () => {
      log.info('shutting down');
      server.close();
      inFlight.draining = true;
      await waitUntil(() => inFlight.count === 0, 10_000);
      await consumer.stop(10_000);
      // after the drain, so what was just persisted can still go out if the DCRM accepts it
      await outbox.stop(5_000);
      clearInterval(reloadTimer);
      await apiKeys.stop();
      await subscriber.quit().catch(() => undefined);
      await redis.quit().catch(() => undefined);
      db.close();
      if (embedded) await embedded.stop();
      log.info('stopped');
    })());
}

