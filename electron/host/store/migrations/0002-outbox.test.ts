import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../database';
import { migrations } from './index';
import { migration0002 } from './0002-outbox';

describe('migration 0002-outbox', () => {
  it('creates outbox on top of the previous schema, and is recorded in user_version', () => {
    const db = new BetterSqlite3(':memory:');
    const before = migrations.filter((m) => m.version < migration0002.version);
    applyMigrations(db, before);
    const has = () => db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'outbox'").get();
    expect(has()).toEqual({ n: 0 });
    applyMigrations(db, [...before, migration0002]);
    expect(has()).toEqual({ n: 1 });
    expect(db.pragma('user_version', { simple: true })).toBe(migration0002.version);
    db.close();
  });

  it('refuses an unknown state and a second entry for one session', () => {
    const db = new BetterSqlite3(':memory:');
    applyMigrations(db, migrations.filter((m) => m.version <= migration0002.version));
    const insert = db.prepare(
      'INSERT INTO outbox (jti, session_id, body, body_sha256, submit_by, state, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run('j1', 's1', 'b', 'h', 1, 'pending', 0, 0);
    expect(() => insert.run('j2', 's2', 'b', 'h', 1, 'lost', 0, 0)).toThrow(/CHECK/);
    expect(() => insert.run('j3', 's1', 'b', 'h', 1, 'pending', 0, 0)).toThrow(/UNIQUE/);
    db.close();
  });
});
