import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHeaders, DEFAULT_REQUEST_LIMITS, parseSlackBody, RecentSignatures } from '../adapters/slack/requestChecks.js';

const NOW = 1_800_000_000;
const signed = { 'x-slack-signature': `v0=${'a'.repeat(64)}`, 'content-type': 'application/json' };

describe('checkHeaders', () => {
  it('accepts a timestamp within five minutes either way, and nothing further', () => {
    for (const offset of [-300, 0, 300]) {
      expect(checkHeaders({ ...signed, 'x-slack-request-timestamp': String(NOW + offset) }, NOW, DEFAULT_REQUEST_LIMITS).kind).toBe('signed');
    }
    for (const offset of [-301, 301, 365 * 24 * 3600]) {
      expect(checkHeaders({ ...signed, 'x-slack-request-timestamp': String(NOW + offset) }, NOW, DEFAULT_REQUEST_LIMITS)).toEqual({
        kind: 'rejected',
        rejection: { status: 401, reason: 'timestamp out of range' },
      });
    }
  });

  it('never throws, whatever the headers', () => {
    const value = fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('x-slack-signature', 'x-slack-request-timestamp', 'content-length', 'content-type'), value), (headers) => {
        expect(['signed', 'maybe-ssl-check', 'rejected']).toContain(checkHeaders(headers, NOW, DEFAULT_REQUEST_LIMITS).kind);
      }),
    );
  });
});

describe('parseSlackBody', () => {
  it('never throws, and passes on only objects with a type', () => {
    const bodies = fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v)));
    fc.assert(
      fc.property(fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain'), bodies, (type, text) => {
        const parsed = parseSlackBody(type, text);
        if (parsed.kind === 'event') expect(typeof parsed.body.type === 'string' || typeof parsed.body.command === 'string').toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => {
        const parsed = parseSlackBody('application/x-www-form-urlencoded', new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
        if (parsed.kind === 'event') expect(typeof parsed.body.type).toBe('string');
      }),
    );
  });
});

describe('RecentSignatures', () => {
  it('knows a signature again within its window, and forgets it after', () => {
    const seen = new RecentSignatures(1000);
    expect(seen.firstTime('v0=a', 0)).toBe(true);
    expect(seen.firstTime('v0=a', 999)).toBe(false);
    expect(seen.firstTime('v0=a', 1000)).toBe(true);
  });

  it('keeps at most its capacity', () => {
    const seen = new RecentSignatures(60_000, 3);
    for (const key of ['a', 'b', 'c', 'd']) seen.firstTime(key, 0);
    expect(seen.firstTime('a', 1)).toBe(true);
    expect(seen.firstTime('d', 1)).toBe(false);
  });
});
