import type { Migration } from './migration';

/** The kiosk's enrollment with one authority; a single row. No private key: that stays in its 0600 file. */
export const migration0001: Migration = {
  version: 1,
  name: 'terminal-identity',
  up(db) {
    db.exec(`
      CREATE TABLE terminal_identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        terminal_id TEXT NOT NULL,
        authority_id TEXT NOT NULL,
        authority_url TEXT NOT NULL,
        kid TEXT NOT NULL,
        authority_jwks TEXT NOT NULL,
        name TEXT NOT NULL,
        enrolled_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
