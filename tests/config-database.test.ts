import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('DATABASE_URL and the replica settings', () => {
  it('are off by default, so one process keeps its state in memory', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.databasePoolSize).toBe(5);
    expect(config.reloadWaitMs).toBe(15_000);
    expect(config.replicaName).toMatch(/-\d+$/);
  });

  it('read a postgres URL and the replica name', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://apo:pw@db:5432/apo', REPLICA_NAME: 'bot-1', DATABASE_POOL_SIZE: '3' });
    expect(config).toMatchObject({ databaseUrl: 'postgres://apo:pw@db:5432/apo', replicaName: 'bot-1', databasePoolSize: 3 });
  });

  it('name the bad value without repeating a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://apo:s3cret@db/apo' })).toThrow('DATABASE_URL must start with postgres:// or postgresql://, got "mysql://…"');
    expect(() => loadConfig({ DATABASE_URL: 'not a url s3cret' })).toThrow('DATABASE_URL must be a URL like postgres://user:password@host:5432/database');
    try {
      loadConfig({ DATABASE_URL: 'mysql://apo:s3cret@db/apo' });
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret');
    }
    expect(() => loadConfig({ REPLICA_NAME: 'bad name!' })).toThrow('REPLICA_NAME must be 1 to 48 letters');
  });
});
