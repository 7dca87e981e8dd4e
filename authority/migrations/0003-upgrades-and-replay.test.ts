import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MigrationError, migrate } from '../database';
import { MIGRATIONS } from './index';

describe('migration 0003 upgrades-and-replay', () => {
  it('adds request jti store, upgrades keyed by jti and heartbeats', () => {
    const db = new BetterSqlite3(':memory:');
    expect(migrate(db, MIGRATIONS, 2)).toBe(2);
    expect(migrate(db)).toBe(3);
    db.prepare(`INSERT INTO terminals VALUES ('t1','kid1','{}','Hall A',1,NULL)`).run();
    db.prepare(
      `INSERT INTO sessions (session_id,terminal_id,nonce,aa_challenge,created_at,expires_at,submit_by,state,policy) VALUES ('s1','t1','n','aa',1,2,3,'bound','{}')`,
    ).run();
    const replay = db.prepare(`INSERT INTO request_jtis VALUES (?,?,?)`);
    replay.run('t1', 'j1', 10);
    expect(() => replay.run('t1', 'j1', 10)).toThrow(/UNIQUE|PRIMARY/);
    replay.run('t2', 'j1', 10); // jti unique per terminal
    const up = db.prepare(`INSERT INTO upgrades VALUES (?,?,?,?,?,?,?,?,?,?)`);
    up.run('jti-1', 's1', 't1', 'h', 201, 'upgraded', 'application/jose', 'x.y.z', 'r1', 5);
    expect(() => up.run('jti-1', 's1', 't1', 'h', 201, 'upgraded', 'application/jose', 'x.y.z', 'r2', 5)).toThrow();
    db.close();
  });

  it('is idempotent and refuses a database newer than the code', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db);
    expect(migrate(db)).toBe(3);
    db.pragma('user_version = 99');
    expect(() => migrate(db)).toThrow(MigrationError);
    db.close();
  });
});
