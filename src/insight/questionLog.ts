import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One question as the log keeps it. The user is a salted hash: the log never holds user ids. */
export interface QuestionEntry {
  readonly type: 'question';
  readonly at: string;
  readonly questionId: string;
  readonly platform: string;
  readonly user: string;
  readonly channelKind: string;
  /** Left out when QUESTION_LOG_TEXT is off. */
  readonly question?: string;
  readonly chars: number;
  readonly answered: boolean;
  readonly reason?: string;
  readonly topArticle?: { readonly id: string; readonly title: string };
  readonly latencyMs: number;
}

/** Whether an answer helped, as the asker said with a button. */
export interface VoteEntry {
  readonly type: 'vote';
  readonly at: string;
  readonly questionId: string;
  readonly platform: string;
  readonly user: string;
  readonly helpful: boolean;
}

export type LogEntry = QuestionEntry | VoteEntry;

export interface QuestionLogOptions {
  readonly dir: string;
  /** Keep question texts; off for privacy, the rest is still logged. */
  readonly keepText: boolean;
  /** The file is rotated past this size. */
  readonly maxBytes: number;
  /** Rotated files kept: questions.jsonl.1 (newest) to .N. */
  readonly keepFiles: number;
}

const FILE = 'questions.jsonl';
const SALT_FILE = '.user-salt';

/**
 * An append-only JSON Lines log of questions and votes under DATA_DIR, rotated by size. Each
 * entry is one write of one line, so a crash loses at most the line being written; reading skips
 * a torn last line.
 */
export class QuestionLog {
  #salt: string | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(readonly options: QuestionLogOptions) {}

  get file(): string {
    return path.join(this.options.dir, FILE);
  }

  /** A stable pseudonym for a user: the same person hashes the same, but can't be read back. */
  async hashUser(platform: string, userId: string): Promise<string> {
    const salt = await this.#loadSalt();
    return createHash('sha256').update(`${salt}:${platform}:${userId}`).digest('hex').slice(0, 16);
  }

  /** Appends an entry; entries are written one at a time, in the order they were given. */
  append(entry: LogEntry): Promise<void> {
    const line = `${JSON.stringify(this.options.keepText || entry.type !== 'question' ? entry : withoutText(entry))}\n`;
    this.#writing = this.#writing.then(() => this.#write(line));
    return this.#writing;
  }

  /** Resolves when every entry appended so far is on disk. */
  flush(): Promise<void> {
    return this.#writing.catch(() => undefined);
  }

  async #write(line: string): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    const size = await stat(this.file).then((s) => s.size, () => 0);
    if (size > 0 && size + line.length > this.options.maxBytes) await this.#rotate();
    await appendFile(this.file, line, { encoding: 'utf8', flag: 'a' });
  }

  async #rotate(): Promise<void> {
    for (let i = this.options.keepFiles - 1; i >= 1; i--) {
      await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(() => undefined);
    }
    await rename(this.file, `${this.file}.1`);
  }

  async #loadSalt(): Promise<string> {
    if (this.#salt) return this.#salt;
    const file = path.join(this.options.dir, SALT_FILE);
    const existing = await readFile(file, 'utf8').catch(() => undefined);
    if (existing?.trim()) return (this.#salt = existing.trim());
    await mkdir(this.options.dir, { recursive: true });
    const salt = randomBytes(16).toString('hex');
    await writeFile(file, salt, { flag: 'wx', mode: 0o600 }).catch(() => undefined);
    // Another process may have won the race to create it: use what is on disk.
    return (this.#salt = (await readFile(file, 'utf8')).trim());
  }
}

function withoutText(entry: QuestionEntry): QuestionEntry {
  const { question: _question, ...rest } = entry;
  return rest;
}

/** Reads every entry of a log folder, oldest first, skipping lines that don't parse (a torn write). */
export async function readQuestionLog(dir: string, keepFiles = 20): Promise<LogEntry[]> {
  const file = path.join(dir, FILE);
  const files = [...Array.from({ length: keepFiles }, (_, i) => `${file}.${keepFiles - i}`), file];
  const entries: LogEntry[] = [];
  for (const name of files) {
    const text = await readFile(name, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const entry = JSON.parse(line) as LogEntry;
        if (entry.type === 'question' || entry.type === 'vote') entries.push(entry);
      } catch {
        // A line cut short by a crash mid-write: everything before it is intact.
      }
    }
  }
  return entries;
}
