/**
 * The gateway half of the stand-in: Discord's WebSocket protocol, enough of it for a real
 * discord.js client to identify, stay connected, receive dispatches and resume.
 *
 * A session outlives its socket, as on Discord: it keeps its sequence number and every
 * dispatch sent in it, so a client that reconnects and RESUMEs is replayed what it missed,
 * including anything dispatched while it was disconnected.
 */

import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes } from 'discord.js';
import type { GatewayReadyDispatchData } from 'discord.js';
import { WebSocket } from 'ws';
import type { RawData } from 'ws';
import type { DiscordFixture } from './fixture.js';
import { buildGuildCreate } from './payloads.js';
import { WaitableLog } from '../waitableLog.js';

/** A payload the client sent, in arrival order. */
export interface ReceivedGatewayPayload {
  readonly op: number;
  readonly d: unknown;
  /** Which socket it came over (see `connections`). */
  readonly connectionId: number;
}

export interface GatewayConnectionInfo {
  readonly id: number;
  /** `/gateway` for a fresh connection, `/gateway-resume` when the client used resume_gateway_url. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

interface DispatchPayload {
  readonly op: GatewayOpcodes.Dispatch;
  readonly t: string;
  readonly s: number;
  readonly d: unknown;
}

interface Session {
  readonly id: string;
  seq: number;
  /** Every dispatch of the session, for replay on RESUME. */
  readonly log: DispatchPayload[];
  connection: Connection | undefined;
}

export interface GatewayOptions {
  readonly fixture: DiscordFixture;
  readonly heartbeatIntervalMs: number;
  readonly resumeGatewayUrl: string;
  /** Privileged intents the application is allowed; IDENTIFY asking for others is refused with 4014. */
  readonly allowedPrivilegedIntents: number;
  /** Told about every dispatch, so the REST side knows the interactions and messages it may see. */
  readonly onDispatch: (event: string, data: unknown) => void;
}

const PRIVILEGED_INTENTS =
  GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

/** WebSocket close code for data the endpoint cannot accept (RFC 6455). */
const UNSUPPORTED_DATA = 1003;

/**
 * One client socket. Sends JSON text frames, or binary frames of one shared zlib stream
 * (each flushed with Z_SYNC_FLUSH) when the client asked for `compress=zlib-stream`.
 */
class Connection {
  session: Session | undefined;
  private readonly deflate: zlib.Deflate | undefined;
  private pendingCompressed: Buffer[] = [];

  constructor(
    readonly id: number,
    readonly socket: WebSocket,
    compress: boolean,
  ) {
    if (compress) {
      const deflate = zlib.createDeflate();
      deflate.on('data', (chunk: Buffer) => this.pendingCompressed.push(chunk));
      socket.once('close', () => deflate.close());
      this.deflate = deflate;
    }
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(payload: object): void {
    if (!this.open) return;
    const text = JSON.stringify(payload);
    const deflate = this.deflate;
    if (!deflate) {
      this.socket.send(text);
      return;
    }
    deflate.write(text);
    deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      const frame = Buffer.concat(this.pendingCompressed);
      this.pendingCompressed = [];
      if (this.open) this.socket.send(frame, { binary: true });
    });
  }

  close(code: number, reason: string): void {
    if (this.open) this.socket.close(code, reason);
  }
}

function queryOf(request: IncomingMessage): { path: string; query: Record<string, string> } {
  const url = new URL(request.url ?? '/', 'http://stand-in');
  return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
}

function rawToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

export class GatewayStandIn {
  readonly received = new WaitableLog<ReceivedGatewayPayload>((p) => `op ${p.op} on connection ${p.connectionId}`);
  readonly connections: GatewayConnectionInfo[] = [];
  identifyCount = 0;
  resumeCount = 0;

  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<WebSocket>();
  private currentSession: Session | undefined;
  private nextConnectionId = 1;

  constructor(private readonly options: GatewayOptions) {}

  accept(socket: WebSocket, request: IncomingMessage): void {
    const { path, query } = queryOf(request);
    const id = this.nextConnectionId++;
    this.connections.push({ id, path, query });
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));

    const connection = new Connection(id, socket, query['compress'] === 'zlib-stream');
    if (query['v'] !== '10') {
      connection.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    if ((query['encoding'] ?? 'json') !== 'json' || (query['compress'] && query['compress'] !== 'zlib-stream')) {
      connection.close(UNSUPPORTED_DATA, 'The stand-in speaks encoding=json, optionally with compress=zlib-stream');
      return;
    }

    socket.on('message', (data) => this.onMessage(connection, data));
    socket.on('close', () => {
      if (connection.session?.connection === connection) connection.session.connection = undefined;
    });
    connection.send({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs }, s: null, t: null });
  }

  /** Sends a dispatch in the current session and returns its sequence number. */
  dispatch(event: string, data: unknown): number {
    const session = this.requireSession();
    return this.dispatchIn(session, event, data);
  }

  /** Sends any payload as is, e.g. op 7 RECONNECT or op 9 INVALID_SESSION. */
  sendRaw(payload: { op: number; d?: unknown }): void {
    const connection = this.requireSession().connection;
    if (!connection) throw new Error('The gateway session has no open connection');
    connection.send({ s: null, t: null, d: null, ...payload });
  }

  /**
   * Closes the session's socket. The default code 4000 (unknown error) is one discord.js
   * answers with RESUME; 1000 would make it start a new session with IDENTIFY instead.
   * `terminate` drops the TCP connection without a closing handshake (the client sees 1006).
   */
  async dropConnection(options: { code?: number; terminate?: boolean } = {}): Promise<void> {
    const connection = this.requireSession().connection;
    if (!connection) throw new Error('The gateway session has no open connection to drop');
    const closed = new Promise<void>((resolve) => connection.socket.once('close', () => resolve()));
    if (options.terminate) connection.socket.terminate();
    else connection.close(options.code ?? GatewayCloseCodes.UnknownError, 'Stand-in dropped the connection');
    await closed;
  }

  close(): void {
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
  }

  private requireSession(): Session {
    if (!this.currentSession) throw new Error('No gateway session yet: has the client logged in?');
    return this.currentSession;
  }

  private dispatchIn(session: Session, event: string, data: unknown): number {
    session.seq += 1;
    const payload: DispatchPayload = { op: GatewayOpcodes.Dispatch, t: event, s: session.seq, d: data };
    session.log.push(payload);
    this.options.onDispatch(event, data);
    session.connection?.send(payload);
    return payload.s;
  }

  private onMessage(connection: Connection, data: RawData): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(rawToText(data)) as { op?: unknown; d?: unknown };
    } catch {
      connection.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload');
      return;
    }
    const op = typeof payload.op === 'number' ? payload.op : -1;
    this.received.push({ op, d: payload.d, connectionId: connection.id });

    switch (op) {
      case GatewayOpcodes.Heartbeat:
        connection.send({ op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcodes.Identify:
        this.identify(connection, payload.d as IdentifyData);
        return;
      case GatewayOpcodes.Resume:
        this.resume(connection, payload.d as ResumeData);
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
        // Recorded above; a test can look at them, nothing to answer.
        if (!connection.session) connection.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated');
        return;
      default:
        connection.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode');
    }
  }

  private identify(connection: Connection, data: IdentifyData): void {
    if (connection.session) {
      connection.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated');
      return;
    }
    if (data?.token !== this.options.fixture.token) {
      connection.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed');
      return;
    }
    const intents = Number(data.intents ?? 0);
    if (intents & PRIVILEGED_INTENTS & ~this.options.allowedPrivilegedIntents) {
      connection.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s)');
      return;
    }
    this.identifyCount += 1;
    const session: Session = { id: randomUUID().replaceAll('-', ''), seq: 0, log: [], connection };
    this.sessions.set(session.id, session);
    this.currentSession = session;
    connection.session = session;

    const { fixture } = this.options;
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: { ...fixture.bot, bot: true, verified: true, mfa_enabled: false },
      // Discord lists the guilds as unavailable and sends each one as GUILD_CREATE right after.
      guilds: fixture.guilds.map((guild) => ({ id: guild.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.options.resumeGatewayUrl,
      shard: data.shard ?? [0, 1],
      // flags_new is the string form Discord added for flag bits past 30.
      application: {
        id: fixture.application.id,
        flags: fixture.application.flags,
        flags_new: String(fixture.application.flags),
      },
    };
    this.dispatchIn(session, 'READY', ready);
    for (const guild of fixture.guilds) this.dispatchIn(session, 'GUILD_CREATE', buildGuildCreate(guild));
  }

  private resume(connection: Connection, data: ResumeData): void {
    if (data?.token !== this.options.fixture.token) {
      connection.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed');
      return;
    }
    const session = this.sessions.get(String(data.session_id));
    if (!session) {
      // Not resumable: the client has to IDENTIFY again.
      connection.send({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    const lastSeen = Number(data.seq ?? 0);
    if (lastSeen > session.seq) {
      connection.close(GatewayCloseCodes.InvalidSeq, 'Invalid seq');
      return;
    }
    // A zombie socket of the same session is replaced, as Discord does.
    session.connection?.close(GatewayCloseCodes.SessionTimedOut, 'Session resumed elsewhere');
    session.connection = connection;
    connection.session = session;
    this.currentSession = session;
    this.resumeCount += 1;
    for (const missed of session.log.filter((payload) => payload.s > lastSeen)) connection.send(missed);
    this.dispatchIn(session, 'RESUMED', null);
  }
}

interface IdentifyData {
  readonly token?: string;
  readonly intents?: number;
  readonly shard?: [number, number];
}

interface ResumeData {
  readonly token?: string;
  readonly session_id?: string;
  readonly seq?: number | null;
}
