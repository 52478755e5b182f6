import { randomUUID } from 'node:crypto';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { ReloadReport } from './core/index.js';
import type { Imported } from './knowledgeImport/index.js';

/** The import code (jsdom, Readability, chrono) loads on the first import, not at every start. */
const importer = () => import('./knowledgeImport/index.js');

/** Files an admin may send to be imported: a page as text, saved HTML, or Markdown text. */
export const IMPORT_EXTENSIONS = ['.txt', '.html', '.htm', '.md'] as const;
/** The largest file imported from chat, as for knowledge files. */
export const MAX_IMPORT_BYTES = 1024 * 1024;
/** A preview's Add button works this long. */
const PENDING_MS = 15 * 60_000;

/** What an admin sees before adding an article: enough to tell it is the right page, read right. */
export interface ImportPreview {
  /** Names this preview for the Add and Cancel buttons. */
  readonly token: string;
  readonly fileName: string;
  readonly id: string;
  readonly title: string;
  readonly date: string;
  readonly paragraphs: number;
  /** `added`: a new article; `changed`: it replaces the article with the same id or title. */
  readonly action: 'added' | 'changed';
  /** Page chrome left out (breadcrumbs, "Translate »", footers...). */
  readonly dropped: readonly string[];
}

export type PreviewResult = { readonly ok: true; readonly preview: ImportPreview } | { readonly ok: false; readonly message: string };
export type ApplyResult =
  | { readonly ok: true; readonly file: string; readonly action: 'added' | 'changed'; readonly articleId: string; readonly report: ReloadReport }
  | { readonly ok: false; readonly message: string };

/**
 * Reads a downloaded file's body, at most `limit` bytes (MAX_IMPORT_BYTES by default): 'too-big'
 * as soon as it grows past it, whatever the platform said its size was.
 */
export async function readCapped(response: Response, limit = MAX_IMPORT_BYTES): Promise<Uint8Array | 'too-big'> {
  const body = response.body;
  if (body === null) return new Uint8Array(0);
  if (Number(response.headers.get('content-length') ?? Number.NaN) > limit) {
    await body.cancel().catch(() => undefined);
    return 'too-big';
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return 'too-big';
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** Checks a chat attachment before downloading it: its type and size. Undefined when it may be imported. */
export function refuseAttachment(fileName: string, size: number): string | undefined {
  const extension = path.extname(fileName).toLowerCase();
  if (!(IMPORT_EXTENSIONS as readonly string[]).includes(extension)) {
    return `I can only import ${IMPORT_EXTENSIONS.join(', ')} files; "${fileName}" is not one.`;
  }
  if (size > MAX_IMPORT_BYTES) return `"${fileName}" is ${size} bytes; the limit is ${MAX_IMPORT_BYTES} bytes (1 MiB).`;
  return undefined;
}

interface Pending {
  readonly imported: Imported;
  readonly fileName: string;
  readonly userKey: string;
  readonly replace: boolean;
  readonly expiresAt: number;
}

/**
 * Imports articles sent in chat, in two steps: a preview (nothing written), then Add (written and
 * reloaded) or Cancel. Only the admin who asked for a preview may add it, within 15 minutes.
 */
export class ChatImports {
  readonly #pending = new Map<string, Pending>();

  constructor(
    private readonly knowledgeDir: () => string,
    private readonly reload: () => Promise<ReloadReport>,
    private readonly now: () => number = Date.now,
  ) {}

  async preview(request: { platform: string; userId: string; fileName: string; bytes: Uint8Array }): Promise<PreviewResult> {
    const refused = refuseAttachment(request.fileName, request.bytes.length);
    if (refused) return { ok: false, message: refused };
    const dir = this.knowledgeDir();
    const writable = await access(dir, constants.W_OK).then(
      () => true,
      () => false,
    );
    if (!writable) {
      return { ok: false, message: `The knowledge folder (${dir}) is read-only here, so articles can't be added from chat. Mount it writable, or import on the server with apo-bot import.` };
    }
    const { importArticle, saveImport } = await importer();
    const result = importArticle(request.bytes, { name: request.fileName });
    if (!result.ok) return { ok: false, message: `${request.fileName}: ${result.message}` };
    // An article with the same id or title is shown as a change; Add replaces it, never duplicates it.
    const dryRun = await saveImport(dir, result.imported, { replace: true, dryRun: true });
    if (!dryRun.ok) return { ok: false, message: `${request.fileName}: ${dryRun.message}` };
    this.#forgetExpired();
    const token = randomUUID();
    this.#pending.set(token, { imported: result.imported, fileName: request.fileName, userKey: `${request.platform}:${request.userId}`, replace: true, expiresAt: this.now() + PENDING_MS });
    const { article } = dryRun;
    return {
      ok: true,
      preview: { token, fileName: request.fileName, id: article.id, title: article.title, date: article.date, paragraphs: article.paragraphs.length, action: dryRun.action, dropped: result.imported.dropped },
    };
  }

  /** Writes the previewed article and reloads the knowledge. */
  async apply(request: { platform: string; userId: string; token: string }): Promise<ApplyResult> {
    const pending = this.#take(request);
    if (typeof pending === 'string') return { ok: false, message: pending };
    const { saveImport } = await importer();
    const saved = await saveImport(this.knowledgeDir(), pending.imported, { replace: pending.replace });
    if (!saved.ok) return { ok: false, message: `${pending.fileName}: ${saved.message}` };
    const report = await this.reload();
    return { ok: true, file: saved.file, action: saved.action, articleId: saved.article.id, report };
  }

  /** Forgets a preview; true when there was one to forget. */
  cancel(request: { platform: string; userId: string; token: string }): boolean {
    return typeof this.#take(request) !== 'string';
  }

  #take(request: { platform: string; userId: string; token: string }): Pending | string {
    const pending = this.#pending.get(request.token);
    if (pending === undefined || pending.expiresAt <= this.now()) {
      this.#pending.delete(request.token);
      return 'That preview has expired or was already used; send the file again.';
    }
    if (pending.userKey !== `${request.platform}:${request.userId}`) return 'Only the admin who sent the file can add it.';
    this.#pending.delete(request.token);
    return pending;
  }

  #forgetExpired(): void {
    const now = this.now();
    for (const [token, pending] of this.#pending) if (pending.expiresAt <= now) this.#pending.delete(token);
  }
}
