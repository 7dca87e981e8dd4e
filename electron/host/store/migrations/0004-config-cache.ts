import type { Migration } from './migration';

/** Last good copies of authority data the kiosk needs offline (CSCA list, session policy, time skew). */
export const migration0004: Migration = {
  version: 4,
  name: 'config-cache',
  up(db) {
    db.exec(`
      CREATE TABLE config_cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
