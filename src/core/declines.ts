import type { Decline } from './types.js';

/**
 * The first part of a decline, without the list of nearest articles: what adapters show above
 * their own rendering of `decline.nearest`.
 */
export function declineHeadline(question: string, decline: Decline): string {
  const words = decline.unmatchedTerms.length > 0 ? ` Nothing matched: ${decline.unmatchedTerms.join(', ')}.` : '';
  switch (decline.reason) {
    case 'empty-question':
      return 'Please ask a question.';
    case 'too-long':
      return `That question is ${question.length} characters long; please keep it under ${decline.limit ?? 'the limit'}.`;
    case 'period-not-covered':
      return `I have nothing from ${decline.period ?? 'that period'}.`;
    case 'unknown-name':
      return `The knowledge base doesn't cover that.${words}`;
    case 'no-match':
    case 'weak-match':
      return `I couldn't find an answer to that in the knowledge base.${words}`;
  }
}
