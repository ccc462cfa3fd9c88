// The uWS app with every route, listening on HOST:PORT.
import type { Logger } from '../log.js';
import type { OperatorAuth } from '../identity/operator-auth.js';
import { register, registerFallback, type Route } from './router.js';
import { uws, type us_listen_socket, type TemplatedApp } from './uws.js';

export interface HttpServer {
  readonly port: number;
  close(): void;
}

export function listen(routes: readonly Route[], auth: OperatorAuth, host: string, port: number, log: Logger): Promise<HttpServer> {
  const app: TemplatedApp = uws.App();
  const onInternal = (err: unknown): void => log.error({ err }, 'unhandled error in a request');
  for (const r of routes) register(app, r, { auth, log, onInternal });
  registerFallback(app, onInternal);
  // one line naming every route and who may call it: what the deployment exposes, for operators and
  // for the test that checks every route against every role
  log.info({ routes: routes.map((r) => ({ route: `${r.method === 'del' ? 'DELETE' : r.method.toUpperCase()} ${r.pattern}`, roles: r.roles ? ['admin', ...r.roles] : null })) }, 'routes');
  return new Promise((resolve, reject) => {
    app.listen(host, port, (socket: us_listen_socket | false) => {
      if (!socket) return reject(new Error(`cannot listen on ${host}:${port}`));
      resolve({
        port: uws.us_socket_local_port(socket),
        close: () => uws.us_listen_socket_close(socket),
      });
    });
  });
}
