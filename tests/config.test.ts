import { PassThrough } from 'node:stream';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';

describe('loadConfig', () => {
  it('uses the shipped knowledge and sensible defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      logLevel: 'info',
      logLevelSet: false,
      logPretty: undefined,
      maxQuestionLength: 500,
      questionLog: true,
      questionLogText: true,
      rateLimitPerMinute: 10,
      knowledgeWatch: false,
      healthPort: 8080,
      shutdownTimeoutMs: 10_000,
    });
    expect(config.dataDir).toBe(path.resolve(import.meta.dirname, '..', 'data'));
    expect(config.knowledgeDir).toBe(path.resolve(import.meta.dirname, '..', 'knowledge'));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the operations settings', () => {
    expect(
      loadConfig({ DATA_DIR: '/var/apo', QUESTION_LOG_TEXT: 'false', RATE_LIMIT_PER_MINUTE: '0', KNOWLEDGE_WATCH: 'true', HEALTH_PORT: '9090' }),
    ).toMatchObject({ dataDir: '/var/apo', questionLogText: false, rateLimitPerMinute: 0, knowledgeWatch: true, healthPort: 9090 });
    expect(() => loadConfig({ HEALTH_PORT: '70000' })).toThrow('HEALTH_PORT must be from 0 to 65535, got 70000');
  });

  it('reads every variable, treating empty values as unset', () => {
    const config = loadConfig({ KNOWLEDGE_DIR: 'kb', LOG_LEVEL: 'debug', LOG_PRETTY: 'no', MAX_QUESTION_LENGTH: '500', OTHER: '' });
    expect(config).toMatchObject({ knowledgeDir: path.resolve('kb'), logLevel: 'debug', logLevelSet: true, logPretty: false, maxQuestionLength: 500 });
    expect(loadConfig({ LOG_LEVEL: '  ' }).logLevelSet).toBe(false);
  });

  it('gives one clear message per bad value', () => {
    let error: unknown;
    try {
      loadConfig({ LOG_LEVEL: 'loud', LOG_PRETTY: 'maybe', MAX_QUESTION_LENGTH: 'ten' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "loud"',
      'LOG_PRETTY must be true or false, got "maybe"',
      'MAX_QUESTION_LENGTH must be a number, got "ten"',
    ]);
  });

  it('refuses lengths out of range', () => {
    expect(() => loadConfig({ MAX_QUESTION_LENGTH: '0' })).toThrow('MAX_QUESTION_LENGTH must be from 1 to 100000, got 0');
    expect(() => loadConfig({ MAX_QUESTION_LENGTH: '2.5' })).toThrow('MAX_QUESTION_LENGTH must be a whole number, got "2.5"');
  });
});

describe('createLogger', () => {
  const capture = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { stream, text: () => text };
  };

  it.each(['trace', 'info', 'error'] as const)('never writes a token or secret (level %s)', (level) => {
    const out = capture();
    const logger = createLogger({ level: 'trace', pretty: false, destination: out.stream });
    const secrets = { token: 'xoxb-1111', botToken: 'xoxb-2222', signingSecret: 's3cr3t', DISCORD_TOKEN: 'mfa.abc' };
    logger[level]({ ...secrets, config: { ...secrets }, headers: { authorization: 'Bearer xoxb-3333' } }, 'starting');
    logger.child({ module: 'slack' })[level]({ options: { appToken: 'xapp-4444' } }, 'connected');
    expect(out.text()).toContain('starting');
    expect(out.text()).toContain('[redacted]');
    for (const secret of ['xoxb-1111', 'xoxb-2222', 's3cr3t', 'mfa.abc', 'xoxb-3333', 'xapp-4444']) {
      expect(out.text()).not.toContain(secret);
    }
  });

  it('writes JSON lines when not pretty, at the configured level', () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', pretty: false, destination: out.stream });
    logger.info({}, 'hidden');
    logger.warn({ answered: false }, 'shown');
    const lines = out.text().trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'shown', answered: false, level: 40 });
  });
});
