/**
 * The knowledge fingerprint in EngineStats: equal for equal knowledge (wherever the folder is),
 * different when an article or the glossary changes, and unchanged by a reload of the same files.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../src/core/index.js';
import { article, makeKnowledgeDir } from './helpers/knowledgeDir.js';

const folders: Awaited<ReturnType<typeof makeKnowledgeDir>>[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => folder.cleanup()));
});

async function folder(files: Record<string, string> = {}) {
  const made = await makeKnowledgeDir(files);
  folders.push(made);
  return made;
}

describe('the knowledge fingerprint', () => {
  it('is the same for two copies of the same folder, and short', async () => {
    const [a, b] = await Promise.all([folder(), folder()]);
    const [one, two] = await Promise.all([createEngine({ knowledgeDir: a.dir }), createEngine({ knowledgeDir: b.dir })]);
    expect(one.stats().fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(one.stats().fingerprint).toBe(two.stats().fingerprint);
  });

  it('changes when an article is added or edited, and when the glossary changes', async () => {
    const dir = await folder();
    const engine = await createEngine({ knowledgeDir: dir.dir });
    const original = engine.stats().fingerprint;
    // A reload of unchanged files keeps it.
    expect((await engine.reload()).applied).toBe(true);
    expect(engine.stats().fingerprint).toBe(original);

    await dir.write('extra.md', article({ id: 'extra-article' }, 'A workshop on lean management was held in Manila.'));
    await engine.reload();
    const withExtra = engine.stats().fingerprint;
    expect(withExtra).not.toBe(original);

    await dir.write('extra.md', article({ id: 'extra-article' }, 'A workshop on lean management was held in Hanoi.'));
    await engine.reload();
    const edited = engine.stats().fingerprint;
    expect(edited).not.toBe(withExtra);

    const glossary = await readFile(path.join(dir.dir, 'glossary.yml'), 'utf8');
    await dir.write('glossary.yml', `${glossary.trimEnd()}\n  - [lean, lean management]\n`);
    await engine.reload();
    expect(engine.stats().glossary.status).toBe('loaded');
    expect(engine.stats().fingerprint).not.toBe(edited);

    // Back to the original files: the original fingerprint.
    await dir.write('glossary.yml', glossary);
    await dir.remove('extra.md');
    await engine.reload();
    expect(engine.stats().fingerprint).toBe(original);
  });
});
