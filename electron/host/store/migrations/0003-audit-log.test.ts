import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../database';
import { migrations } from './index';
import { migration0003 } from './0003-audit-log';

describe('migration 0003-audit-log', () => {
  it('creates audit_leaf on top of the previous schema, and is recorded in user_version', () => {
    const db = new BetterSqlite3(':memory:');
    const before = migrations.filter((m) => m.version < migration0003.version);
    applyMigrations(db, before);
    const has = () => db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'audit_leaf'").get();
    expect(has()).toEqual({ n: 0 });
    applyMigrations(db, [...before, migration0003]);
    expect(has()).toEqual({ n: 1 });
    expect(db.pragma('user_version', { simple: true })).toBe(migration0003.version);
    db.close();
  });

  it('only accepts 32-byte hashes', () => {
    const db = new BetterSqlite3(':memory:');
    applyMigrations(db, migrations.filter((m) => m.version <= migration0003.version));
    const insert = db.prepare('INSERT INTO audit_leaf VALUES (?, ?, ?)');
    insert.run(0, '{}', Buffer.alloc(32));
    expect(() => insert.run(1, '{}', Buffer.alloc(31))).toThrow(/CHECK/);
    db.close();
  });
});
