/**
 * The real `apo-bot` command as a child process, for tests of what an operator sees: its log
 * lines (JSON), anything else it writes to standard error (a stack trace is not JSON), and how it
 * exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/apo-bot.js', import.meta.url));

export type LogLine = Record<string, unknown>;

export interface BotProcess {
  readonly proc: ChildProcess;
  /** Standard error's JSON lines, in order. */
  readonly lines: readonly LogLine[];
  /** Standard error's lines that are not JSON (a stack trace, a crash report). */
  readonly otherLines: readonly string[];
  stderr(): string;
  stdout(): string;
  /** Resolves with the first log line (already written or still to come) that matches. */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (or the signal's name when killed by one). */
  readonly exited: Promise<number | string | null>;
}

/** Runs `apo-bot <args>` with only the given environment (plus PATH), logging JSON at info. */
export function runBot(args: string[], env: Record<string, string>): BotProcess {
  const proc = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_PRETTY: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const otherLines: string[] = [];
  const waiting: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  let stderr = '';
  let stdout = '';
  let pending = '';
  proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const text of complete) {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        otherLines.push(text);
        continue;
      }
      lines.push(line);
      for (const waiter of [...waiting]) {
        if (waiter.match(line)) {
          waiting.splice(waiting.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<number | string | null>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal)));
  return {
    proc,
    lines,
    otherLines,
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    waitForLine(match, timeoutMs = 10_000) {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise<LogLine>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
        const waiter = {
          match,
          resolve: (line: LogLine) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiting.push(waiter);
        void exited.then((code) => {
          if (!waiting.includes(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`exited with ${String(code)} before a matching log line; stderr:\n${stderr}`));
        });
      });
    },
  };
}

/** A port on 127.0.0.1 where nothing listens: connections to it are refused at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A host name that can never resolve (the .invalid top-level domain is reserved for that). */
export const UNRESOLVABLE_HOST = 'apo-bot-test.invalid';

/** The health port the bot logged at start. */
export async function healthUrl(bot: BotProcess): Promise<string> {
  const line = await bot.waitForLine((l) => l.msg === 'health endpoint listening');
  return `http://127.0.0.1:${line.port as number}`;
}
