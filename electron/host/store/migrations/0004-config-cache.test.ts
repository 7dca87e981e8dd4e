import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../database';
import { migrations } from './index';
import { migration0004 } from './0004-config-cache';

describe('migration 0004-config-cache', () => {
  it('creates config_cache on top of the previous schema, and is recorded in user_version', () => {
    const db = new BetterSqlite3(':memory:');
    const before = migrations.filter((m) => m.version < migration0004.version);
    applyMigrations(db, before);
    const has = () => db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'config_cache'").get();
    expect(has()).toEqual({ n: 0 });
    applyMigrations(db, [...before, migration0004]);
    expect(has()).toEqual({ n: 1 });
    expect(db.pragma('user_version', { simple: true })).toBe(migration0004.version);
    db.close();
  });

  it('keys values uniquely', () => {
    const db = new BetterSqlite3(':memory:');
    applyMigrations(db, migrations.filter((m) => m.version <= migration0004.version));
    const insert = db.prepare('INSERT INTO config_cache VALUES (?, ?, ?)');
    insert.run('csca-list', '{}', 'now');
    expect(() => insert.run('csca-list', '{}', 'now')).toThrow(/UNIQUE/);
    db.close();
  });
});
