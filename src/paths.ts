import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project folder (where package.json is), found from this module's own location so commands
 * work from any working directory, whether run from src/ (tsx, tests) or dist/src/ (built).
 */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('apo-bot: cannot find the project folder (no package.json above the code)');
    dir = parent;
  }
  return dir;
}

export const defaultKnowledgeDir = (): string => path.join(projectRoot(), 'knowledge');
