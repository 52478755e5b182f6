import SearchableMap from 'minisearch/SearchableMap';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { tokenize, type Token } from '../text/analyze.js';
import type { KnowledgeProblem } from '../types.js';
import { yamlToJs } from './frontMatter.js';
import { keysWithinTypos } from './typoLookup.js';

/**
 * The glossary says which words and phrases mean the same thing ("KPC" and "Korea Productivity
 * Center"). Each group becomes a concept; a text that contains any phrase of a group contains
 * the concept, so a question in other words still finds the passage.
 */
export interface Glossary {
  /** The groups as written, for reports. */
  readonly groups: readonly (readonly string[])[];
  /** Phrases (as index-term sequences) by their first term, longest first. */
  readonly phrasesByFirstTerm: ReadonlyMap<string, readonly GlossaryPhrase[]>;
}

export interface GlossaryPhrase {
  readonly terms: readonly string[];
  /** The concept id, "c" and the group's index. */
  readonly concept: string;
}

/** A place in a token list where a glossary phrase stands. */
export interface ConceptMatch {
  readonly concept: string;
  /** Index of the first token and one past the last. */
  readonly from: number;
  readonly to: number;
}

export const EMPTY_GLOSSARY: Glossary = { groups: [], phrasesByFirstTerm: new Map() };

const glossarySchema = z.object({
  synonyms: z.array(
    z
      .array(z.union([z.string(), z.number()]).transform(String), {
        error: 'each entry must be a list of words or phrases, like [KPC, Korea Productivity Center]',
      })
      .min(2, { error: 'each entry needs at least two words or phrases that mean the same' }),
    { error: '"synonyms" must be a list of entries' },
  ),
});

/** Parses the YAML glossary file, reporting problems with their line. */
export function parseGlossary(
  file: string,
  text: string,
): { glossary: Glossary; problems: KnowledgeProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) {
    const line = lineCounter.linePos(firstError.pos[0]).line;
    const message = firstError.message.split('\n')[0] ?? firstError.message;
    return { glossary: EMPTY_GLOSSARY, problems: [{ file, line, message: `invalid YAML: ${message}` }] };
  }
  const data = yamlToJs(doc);
  if (!data.ok) return { glossary: EMPTY_GLOSSARY, problems: [{ file, line: 1, message: data.message }] };
  const parsed = glossarySchema.safeParse(data.value ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const entry = typeof issue.path[1] === 'number' ? `entry ${issue.path[1] + 1}: ` : '';
      const node = doc.getIn(issue.path.slice(0, 2) as (string | number)[], true) as { range?: [number] } | undefined;
      const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
      return { file, ...(line === undefined ? {} : { line }), message: `${entry}${issue.message}` };
    });
    return { glossary: EMPTY_GLOSSARY, problems };
  }
  return { glossary: compileGlossary(parsed.data.synonyms), problems: [] };
}

export function compileGlossary(groups: readonly (readonly string[])[]): Glossary {
  const byFirst = new Map<string, GlossaryPhrase[]>();
  groups.forEach((group, index) => {
    const concept = `c${index}`;
    for (const phrase of group) {
      const terms = tokenize(phrase).map((token) => token.term);
      const first = terms[0];
      if (first === undefined) continue;
      const list = byFirst.get(first) ?? [];
      if (!list.some((p) => p.concept === concept && sameTerms(p.terms, terms))) list.push({ terms, concept });
      byFirst.set(first, list);
    }
  });
  for (const list of byFirst.values()) list.sort((a, b) => b.terms.length - a.terms.length);
  const glossary: Glossary = { groups, phrasesByFirstTerm: byFirst };
  // Built with the glossary, so the first question does not pay for it.
  phraseIndex(glossary);
  return glossary;
}

function sameTerms(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((term, i) => term === b[i]);
}

/** Whether a word of a text stands for a word of a glossary phrase. */
export type TermEquality = (phraseTerm: string, textTerm: string) => boolean;

/**
 * A looser equality (for questions, where typos happen) with its bound: `equal` never holds
 * between terms more than `typos(textTerm)` typos apart (a letter added, dropped or changed, or
 * two neighbouring letters swapped), so only the phrases whose first term is that close are tried.
 */
export interface TypoEquality {
  readonly equal: TermEquality;
  readonly typos: (textTerm: string) => number;
}

const sameTerm: TermEquality = (a, b) => a === b;

/** The phrases' first terms, for typo-tolerant lookup, and each phrase's place longest first. */
interface PhraseIndex {
  readonly firstTerms: SearchableMap<true>;
  readonly rank: ReadonlyMap<GlossaryPhrase, number>;
  readonly longestFirst: readonly GlossaryPhrase[];
}

const phraseIndexes = new WeakMap<Glossary, PhraseIndex>();

/** Built once per glossary, not once per question. */
function phraseIndex(glossary: Glossary): PhraseIndex {
  let index = phraseIndexes.get(glossary);
  if (index === undefined) {
    const longestFirst = [...glossary.phrasesByFirstTerm.values()].flat().sort((a, b) => b.terms.length - a.terms.length);
    const firstTerms = new SearchableMap<true>();
    for (const first of glossary.phrasesByFirstTerm.keys()) firstTerms.set(first, true);
    index = { firstTerms, rank: new Map(longestFirst.map((phrase, i) => [phrase, i])), longestFirst };
    phraseIndexes.set(glossary, index);
  }
  return index;
}

/**
 * The phrases that may stand at a word, in the order they are tried: longest first, and among
 * phrases of one length in glossary order (as every phrase was tried before it was indexed).
 */
function candidatesAt(glossary: Glossary, textTerm: string, equal: TermEquality | TypoEquality): readonly GlossaryPhrase[] | undefined {
  if (equal === sameTerm) return glossary.phrasesByFirstTerm.get(textTerm);
  const index = phraseIndex(glossary);
  if (typeof equal === 'function') return index.longestFirst;
  const phrases: GlossaryPhrase[] = [];
  for (const first of keysWithinTypos(index.firstTerms, textTerm, equal.typos(textTerm))) {
    if (equal.equal(first, textTerm)) phrases.push(...(glossary.phrasesByFirstTerm.get(first) ?? []));
  }
  return phrases.sort((a, b) => (index.rank.get(a) as number) - (index.rank.get(b) as number));
}

/**
 * Finds glossary phrases in a token list, longest first and without overlaps, so "Korea
 * Productivity Center" counts as KPC and not also as Korea. With a looser `equal` (typos allowed,
 * for questions), the phrases whose first word is within its typos of a word are tried there; a
 * bare equality function, with no bound, tries every phrase at every word.
 */
export function findConcepts(glossary: Glossary, tokens: readonly Token[], equal: TermEquality | TypoEquality = sameTerm): ConceptMatch[] {
  if (glossary.groups.length === 0) return [];
  const same = typeof equal === 'function' ? equal : equal.equal;
  const matches: ConceptMatch[] = [];
  let i = 0;
  while (i < tokens.length) {
    const found = candidatesAt(glossary, (tokens[i] as Token).term, equal)?.find((phrase) =>
      phrase.terms.every((term, k) => {
        const token = tokens[i + k];
        return token !== undefined && same(term, token.term);
      }),
    );
    if (found) {
      matches.push({ concept: found.concept, from: i, to: i + found.terms.length });
      i += found.terms.length;
    } else {
      i += 1;
    }
  }
  return matches;
}
