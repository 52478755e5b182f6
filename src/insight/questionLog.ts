import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { QuestionRecords } from '../store/types.js';

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
  /** With replicas: the shared knowledge version that answered. */
  readonly knowledgeVersion?: number;
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

/** An article added or changed from chat: who (hashed), from which file, which article. */
export interface KnowledgeEntry {
  readonly type: 'knowledge';
  readonly at: string;
  readonly platform: string;
  readonly user: string;
  readonly file: string;
  readonly articleId: string;
  readonly action: 'added' | 'changed';
}

export type LogEntry = QuestionEntry | VoteEntry | KnowledgeEntry;

export interface QuestionLogOptions {
  readonly dir: string;
  /** Keep question texts; off for privacy, the rest is still logged. */
  readonly keepText: boolean;
  /** The file is rotated past this size. */
  readonly maxBytes: number;
  /** Rotated files kept: questions.jsonl.1 (newest) to .N. */
  readonly keepFiles: number;
  /** Told when the salt had to be replaced (so every pseudonym changed). */
  readonly logger?: Logger;
}

/** The log's file name in DATA_DIR. */
export const QUESTION_LOG_FILE = 'questions.jsonl';
const FILE = QUESTION_LOG_FILE;
const SALT_FILE = '.user-salt';
/** A salt shorter than this (an empty file, a truncated one) would barely salt the hash. */
const MIN_SALT_LENGTH = 32;

/**
 * An append-only JSON Lines log of questions and votes under DATA_DIR, rotated by size. The file
 * stays open; the entries of one turn of the event loop are written together, at once or as soon
 * as the previous write is done, so the file keeps up under load and a crash loses at most the
 * entries of the last moment.
 * A line torn by a crash is ended before anything else is appended, and reading skips it.
 */
export class QuestionLog implements QuestionRecords {
  #salt: string | undefined;
  #opening: Promise<FileHandle> | undefined;
  #preparing: Promise<void> | undefined;
  /** Bytes in the current file, as far as this process wrote them. */
  #size = 0;
  #pending: { line: string; done: () => void; failed: (error: unknown) => void }[] = [];
  /** The write running now, if any; entries appended meanwhile go in the next one. */
  #writing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(readonly options: QuestionLogOptions) {}

  get file(): string {
    return path.join(this.options.dir, FILE);
  }

  /** A stable pseudonym for a user: the same person hashes the same, but can't be read back. */
  async hashUser(platform: string, userId: string): Promise<string> {
    const salt = this.#salt ?? (await this.#loadSalt());
    return createHash('sha256').update(`${salt}:${platform}:${userId}`).digest('hex').slice(0, 16);
  }

  /**
   * Loads the salt and opens the file, so the first questions don't wait for it: under load each
   * step of file work waits a whole turn of a busy event loop, and a cold start took 2.4 s.
   */
  prepare(): Promise<void> {
    this.#preparing ??= (async () => {
      await this.#loadSalt();
      await this.#open();
    })();
    return this.#preparing;
  }

  /** Appends an entry, in the order given; resolves once it is written. */
  append(entry: LogEntry): Promise<void> {
    const line = `${JSON.stringify(this.options.keepText || entry.type !== 'question' ? entry : withoutText(entry))}\n`;
    return new Promise<void>((done, failed) => {
      this.#pending.push({ line, done, failed });
      // Gather what arrives in the same turn of the event loop into one write.
      this.#timer ??= setTimeout(() => this.#startWriting(), 0);
    });
  }

  /** Every entry of this log and its rotated files, oldest first. */
  async read(): Promise<LogEntry[]> {
    await this.flush();
    return readQuestionLog(this.options.dir, this.options.keepFiles);
  }

  /** Resolves when every entry appended so far is written. */
  async flush(): Promise<void> {
    while (this.#pending.length > 0 || this.#writing) {
      if (!this.#writing) this.#startWriting();
      await this.#writing?.catch(() => undefined);
    }
  }

  /** Writes what is pending and closes the file; a later append opens it again. */
  async close(): Promise<void> {
    // A close right after start must not leave the preparation opening the file behind it.
    await this.#preparing?.catch(() => undefined);
    this.#preparing = undefined;
    await this.flush();
    await this.#closeFile();
  }

  async #closeFile(): Promise<void> {
    const opening = this.#opening;
    this.#opening = undefined;
    await (await opening?.catch(() => undefined))?.close();
  }

  #startWriting(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#writing || this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#writing = this.#write(batch.map((entry) => entry.line))
      .then(
        () => batch.forEach((entry) => entry.done()),
        (error: unknown) => {
          batch.forEach((entry) => entry.failed(error));
          throw error;
        },
      )
      .finally(() => {
        this.#writing = undefined;
        // What arrived during this write goes next, at once: the log keeps up however busy it is.
        if (this.#pending.length > 0) this.#startWriting();
      });
    // Each entry's own promise carries the failure to whoever waits for it.
    this.#writing.catch(() => undefined);
  }

  /** Writes lines in chunks that keep each file under maxBytes, rotating between them. */
  async #write(lines: readonly string[]): Promise<void> {
    let chunk = '';
    let chunkBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (this.#size + chunkBytes + bytes > this.options.maxBytes && this.#size + chunkBytes > 0) {
        await this.#writeChunk(chunk);
        chunk = '';
        chunkBytes = 0;
        await this.#rotate();
      }
      chunk += line;
      chunkBytes += bytes;
    }
    await this.#writeChunk(chunk);
  }

  async #writeChunk(text: string): Promise<void> {
    if (text === '') return;
    const handle = await this.#open();
    const buffer = Buffer.from(text, 'utf8');
    await handle.write(buffer);
    this.#size += buffer.length;
  }

  /** The open file; on opening, a last line left unfinished by a crash is ended first. */
  #open(): Promise<FileHandle> {
    this.#opening ??= this.#openFile().catch((error: unknown) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  async #openFile(): Promise<FileHandle> {
    await mkdir(this.options.dir, { recursive: true });
    const handle = await open(this.file, 'a+');
    const { size } = await handle.stat();
    this.#size = size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) {
        await handle.write('\n');
        this.#size += 1;
      }
    }
    return handle;
  }

  async #rotate(): Promise<void> {
    await this.#closeFile();
    for (let i = this.options.keepFiles - 1; i >= 1; i--) {
      await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(() => undefined);
    }
    await rename(this.file, `${this.file}.1`);
    this.#size = 0;
  }

  #loadingSalt: Promise<string> | undefined;

  #loadSalt(): Promise<string> {
    this.#loadingSalt ??= this.#readOrMakeSalt().then(
      (salt) => (this.#salt = salt),
      (error: unknown) => {
        this.#loadingSalt = undefined;
        throw error;
      },
    );
    return this.#loadingSalt;
  }

  async #readOrMakeSalt(): Promise<string> {
    const file = path.join(this.options.dir, SALT_FILE);
    const existing = (await readFile(file, 'utf8').catch(() => undefined))?.trim();
    if (existing !== undefined && existing.length >= MIN_SALT_LENGTH) return existing;
    await mkdir(this.options.dir, { recursive: true });
    const salt = randomBytes(16).toString('hex');
    if (existing === undefined) {
      await writeFile(file, salt, { flag: 'wx', mode: 0o600 }).catch(() => undefined);
    } else {
      // Empty or too short: as good as unsalted. Replace it whole, so no reader sees half a salt.
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, salt, { mode: 0o600 });
      await rename(temporary, file);
      this.options.logger?.warn(
        { file, length: existing.length, minimum: MIN_SALT_LENGTH },
        'the user salt was empty or too short: made a new one, so user pseudonyms changed from here on',
      );
    }
    // Another process may have won the race to create it: use what is on disk.
    return (await readFile(file, 'utf8')).trim();
  }
}

function withoutText(entry: QuestionEntry): QuestionEntry {
  const { question: _question, ...rest } = entry;
  return rest;
}

/** Reads every entry of a log folder, oldest first, skipping what a torn write left behind. */
export async function readQuestionLog(dir: string, keepFiles = 20): Promise<LogEntry[]> {
  const file = path.join(dir, FILE);
  const files = [...Array.from({ length: keepFiles }, (_, i) => `${file}.${keepFiles - i}`), file];
  const entries: LogEntry[] = [];
  for (const name of files) {
    const text = await readFile(name, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const entry = parseLine(line);
      if (entry) entries.push(entry);
    }
  }
  return entries;
}

const ENTRY_START = '{"type":"';

/**
 * One line's entry. A line cut short by a crash does not parse; an older version appended the next
 * entry straight after it, so look for an entry starting later in the line. `{"type":"` can only
 * start an entry: inside a JSON string its quotes would be escaped.
 */
function parseLine(line: string): LogEntry | undefined {
  for (let at = 0; at >= 0; at = line.indexOf(ENTRY_START, at + 1)) {
    try {
      const entry = JSON.parse(at === 0 ? line : line.slice(at)) as LogEntry;
      return entry.type === 'question' || entry.type === 'vote' || entry.type === 'knowledge' ? entry : undefined;
    } catch {
      // Torn here: try the next place an entry could start.
    }
  }
  return undefined;
}
