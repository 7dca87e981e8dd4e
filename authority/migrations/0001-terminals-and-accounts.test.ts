import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { MIGRATIONS } from './index';

describe('migration 0001 terminals-and-accounts', () => {
  it('creates terminals, enrollment tokens and accounts with unique kids', () => {
    const db = new BetterSqlite3(':memory:');
    expect(migrate(db, MIGRATIONS, 1)).toBe(1);
    db.prepare(`INSERT INTO terminals VALUES ('t1','kid1','{}','Hall A',1,NULL)`).run();
    expect(() => db.prepare(`INSERT INTO terminals VALUES ('t2','kid1','{}','Hall B',1,NULL)`).run()).toThrow(/UNIQUE/);
    db.prepare(`INSERT INTO accounts (account_id,kid,public_jwk,display_name_masked,created_at) VALUES ('a1','k','{}','Z*',1)`).run();
    expect(() => db.prepare(`INSERT INTO accounts (account_id,kid,public_jwk,display_name_masked,created_at) VALUES ('a2','k','{}','Z*',1)`).run()).toThrow(/UNIQUE/);
    // STRICT tables refuse a wrongly typed value
    expect(() => db.prepare(`INSERT INTO enrollment_tokens VALUES ('h','not-a-number',NULL,NULL)`).run()).toThrow();
    db.close();
  });
});
