/**
 * An HTTP POST written by hand on a raw socket, so a test controls when (and whether) the body is
 * sent: it can announce a 4 MB body, send none of it, and see what the app answers.
 */
import { connect, type Socket } from 'node:net';

export interface RawPost {
  /**
   * The status line's code of the app's answer, or 'no response' when none came within `ms`
   * (the app is still waiting for the body), or 'closed' when it hung up without answering.
   */
  status(ms?: number): Promise<number | 'no response' | 'closed'>;
  /** Sends (part of) the body. */
  write(data: string): void;
  close(): void;
}

export function openRawPost(baseUrl: string, headers: Record<string, string>, path = '/slack/events'): Promise<RawPost> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
      const lines = [`POST ${path} HTTP/1.1`, `Host: ${url.host}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      resolve({
        status: (ms = 2000) =>
          Promise.race([answer, new Promise<'no response'>((done) => setTimeout(() => done('no response'), ms).unref())]),
        write: (data) => {
          if (!socket.destroyed) socket.write(data);
        },
        close: () => socket.destroy(),
      });
    });
    socket.on('error', () => {});
    let received = '';
    const answer = new Promise<number | 'closed'>((done) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        const code = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
        if (code !== undefined) done(Number(code));
      });
      socket.on('close', () => done('closed'));
    });
    socket.once('error', reject);
  });
}
