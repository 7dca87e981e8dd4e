import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../database';
import { migrations } from './index';
import { migration0001 } from './0001-terminal-identity';

describe('migration 0001-terminal-identity', () => {
  it('creates terminal_identity on top of the previous schema, and is recorded in user_version', () => {
    const db = new BetterSqlite3(':memory:');
    const before = migrations.filter((m) => m.version < migration0001.version);
    applyMigrations(db, before);
    const has = () => db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'terminal_identity'").get();
    expect(has()).toEqual({ n: 0 });
    applyMigrations(db, [...before, migration0001]);
    expect(has()).toEqual({ n: 1 });
    expect(db.pragma('user_version', { simple: true })).toBe(migration0001.version);
    db.close();
  });

  it('holds at most one identity row', () => {
    const db = new BetterSqlite3(':memory:');
    applyMigrations(db, [migration0001]);
    const insert = db.prepare('INSERT INTO terminal_identity VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run(1, 't', 'a', 'http://x', 'k', '{}', 'n', 'now');
    expect(() => insert.run(2, 't', 'a', 'http://x', 'k', '{}', 'n', 'now')).toThrow(/CHECK/);
    db.close();
  });
});
