import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHIPPED_KNOWLEDGE = fileURLToPath(new URL('../../knowledge', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

/** A scratch knowledge folder: a copy of the shipped knowledge (or empty), plus extra files. */
export async function makeKnowledgeDir(
  files: Record<string, string | Buffer> = {},
  options: { shipped?: boolean } = {},
): Promise<{ dir: string; write(name: string, content: string | Buffer): Promise<void>; remove(name: string): Promise<void>; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'apo-knowledge-'));
  if (options.shipped !== false) await cp(SHIPPED_KNOWLEDGE, dir, { recursive: true });
  const write = (name: string, content: string | Buffer) => writeFile(path.join(dir, name), content);
  for (const [name, content] of Object.entries(files)) await write(name, content);
  return {
    dir,
    write,
    remove: (name) => rm(path.join(dir, name)),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A valid article file with the given fields and body; fields can be overridden or removed (undefined). */
export function article(fields: Record<string, string | undefined> = {}, body = 'Some text about SMEs.'): string {
  const all: Record<string, string | undefined> = {
    id: 'test-article',
    title: 'Test article',
    date: '2020-01-15',
    source: 'APO News',
    audience: 'public',
    ...fields,
  };
  const lines = Object.entries(all)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${value}`);
  return `---\n${lines.join('\n')}\n---\n${body}\n`;
}
