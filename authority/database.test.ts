import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationError, migrate, openDatabase } from './database';
import type { Migration } from './migrations/index';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('openDatabase', () => {
  it('opens a file database in WAL mode with foreign keys, migrated to the latest version, reopenable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'authority-db-'));
    dirs.push(dir);
    const file = join(dir, 'nested', 'authority.db');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.close();
    const again = openDatabase(file);
    expect(again.pragma('user_version', { simple: true })).toBe(3);
    again.close();
  });

  it('refuses migrations out of sequence and rolls back a failing one', () => {
    const db = openDatabase(':memory:', []);
    const ok: Migration = { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE a (x INTEGER)') };
    const skipped: Migration = { version: 3, name: 'three', up: () => {} };
    expect(() => migrate(db, [ok, skipped])).toThrow(MigrationError);
    const failing: Migration = { version: 2, name: 'two', up: (d) => d.exec('CREATE TABLE b (x INTEGER); CREATE TABLE a (y INTEGER)') };
    expect(() => migrate(db, [ok, failing])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'b'`).get()).toBeUndefined();
    db.close();
  });
});
