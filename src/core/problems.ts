import type { KnowledgeProblem } from './types.js';

/** "knowledge/a.md:3: front matter: ..." — the form editors and terminals link to files by. */
export function formatProblem(problem: KnowledgeProblem): string {
  return `${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.message}`;
}
