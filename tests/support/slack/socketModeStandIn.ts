import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { SLACK_TEST_IDS } from './ids.js';
import type { SlackWebApiStandIn } from './webApiStandIn.js';

export interface SocketModeStandIn {
  /** Sends an Events API payload (an event_callback) as Socket Mode does; resolves when the app acknowledges it. */
  sendEvent(payload: unknown): Promise<void>;
  /** How many connections the app has opened. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * A stand-in for Slack's Socket Mode endpoint: `apps.connections.open` on the Web API stand-in
 * hands out this WebSocket's URL; on connect it says hello, then delivers envelopes and waits for
 * their acknowledgements, as Slack does.
 */
export async function startSocketModeServer(api: SlackWebApiStandIn): Promise<SocketModeStandIn> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link`;
  api.respondTo('apps.connections.open', () => ({ url }));

  let current: WebSocket | undefined;
  let connections = 0;
  const waitingAcks = new Map<string, () => void>();
  server.on('connection', (socket) => {
    current = socket;
    connections += 1;
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { envelope_id?: string };
      if (message.envelope_id) waitingAcks.get(message.envelope_id)?.();
    });
    socket.send(
      JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'stand-in' }, connection_info: { app_id: SLACK_TEST_IDS.apiAppId } }),
    );
  });

  return {
    get connections() {
      return connections;
    },
    sendEvent(payload) {
      if (!current) return Promise.reject(new Error('no Socket Mode connection is open'));
      const envelopeId = randomUUID();
      const acked = new Promise<void>((resolve) => waitingAcks.set(envelopeId, resolve));
      current.send(JSON.stringify({ envelope_id: envelopeId, payload, type: 'events_api', accepts_response_payload: false, retry_attempt: 0, retry_reason: '' }));
      return acked;
    },
    async close() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
