import type { Migration } from './migration';

export const migration0002: Migration = {
  version: 2,
  name: 'sessions-and-codes',
  up(db) {
    db.exec(`
      CREATE TABLE sessions (
        session_id TEXT PRIMARY KEY,
        terminal_id TEXT NOT NULL REFERENCES terminals(terminal_id),
        nonce TEXT NOT NULL,
        aa_challenge TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        submit_by INTEGER NOT NULL,
        -- open | bound | completed | expired (time-based expiry is also derived on read)
        state TEXT NOT NULL CHECK (state IN ('open', 'bound', 'completed', 'expired')),
        account_id TEXT REFERENCES accounts(account_id),
        bound_at INTEGER,
        wrong_codes INTEGER NOT NULL DEFAULT 0,
        policy TEXT NOT NULL,
        completed_jti TEXT
      ) STRICT;
      CREATE INDEX sessions_terminal ON sessions(terminal_id);
      CREATE TABLE upgrade_codes (
        code_sha256 TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(account_id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      ) STRICT;
      CREATE INDEX upgrade_codes_account ON upgrade_codes(account_id);
    `);
  },
};
