import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthChecks {
  /** Live: the process works and has knowledge to answer from. */
  live(): { ok: boolean; detail: Record<string, unknown> };
  /** Ready: also connected to its chat platforms and not shutting down. */
  ready(): { ok: boolean; detail: Record<string, unknown> };
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `GET /healthz` (liveness) and `GET /readyz` (readiness) as JSON: 200 when the check passes, 503
 * when it does not. For container health checks and load balancers, in every mode.
 */
export async function startHealthServer(checks: HealthChecks, port: number, host: string): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const check = path === '/healthz' ? checks.live : path === '/readyz' ? checks.ready : undefined;
    if (request.method !== 'GET' || !check) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const { ok, detail } = check();
    response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', ...detail }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
