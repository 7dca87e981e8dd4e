import type { Migration } from './migration';

export const migration0001: Migration = {
  version: 1,
  name: 'terminals-and-accounts',
  up(db) {
    db.exec(`
      CREATE TABLE terminals (
        terminal_id TEXT PRIMARY KEY,
        kid TEXT NOT NULL UNIQUE,
        public_jwk TEXT NOT NULL,
        name TEXT NOT NULL,
        enrolled_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;
      -- Only the SHA-256 of each token is kept: the token itself is a secret handed to an operator.
      CREATE TABLE enrollment_tokens (
        token_sha256 TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        used_at INTEGER,
        terminal_id TEXT REFERENCES terminals(terminal_id)
      ) STRICT;
      -- The authority's own registry of limited digital ID accounts and the identity they were issued for.
      CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        kid TEXT NOT NULL UNIQUE,
        public_jwk TEXT NOT NULL,
        display_name_masked TEXT NOT NULL,
        document_number TEXT,
        birth_date TEXT,
        primary_identifier TEXT,
        secondary_identifier TEXT,
        cn_id_number TEXT,
        cn_name TEXT,
        created_at INTEGER NOT NULL,
        upgraded_at INTEGER
      ) STRICT;
    `);
  },
};
