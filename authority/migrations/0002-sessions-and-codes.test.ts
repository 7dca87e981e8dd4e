import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { MIGRATIONS } from './index';

describe('migration 0002 sessions-and-codes', () => {
  it('adds sessions (state checked) and upgrade codes on top of 0001', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS, 1);
    db.prepare(`INSERT INTO terminals VALUES ('t1','kid1','{}','Hall A',1,NULL)`).run();
    expect(migrate(db, MIGRATIONS, 2)).toBe(2);
    const insert = db.prepare(
      `INSERT INTO sessions (session_id,terminal_id,nonce,aa_challenge,created_at,expires_at,submit_by,state,policy) VALUES (?,?,?,?,?,?,?,?,?)`,
    );
    insert.run('s1', 't1', 'n', '0011223344556677', 1, 2, 3, 'open', '{}');
    expect(() => insert.run('s2', 't1', 'n', 'aa', 1, 2, 3, 'weird', '{}')).toThrow(/CHECK/);
    expect(() => insert.run('s3', 'no-such-terminal', 'n', 'aa', 1, 2, 3, 'open', '{}')).toThrow(/FOREIGN KEY/);
    expect(db.prepare(`SELECT wrong_codes FROM sessions WHERE session_id='s1'`).get()).toEqual({ wrong_codes: 0 });
    expect(() => db.prepare(`INSERT INTO upgrade_codes VALUES ('h','nobody',1,2,NULL)`).run()).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
