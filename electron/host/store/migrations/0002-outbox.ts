import type { Migration } from './migration';

/**
 * Decided upgrades waiting for (or holding) the authority's receipt. `body` (the signed
 * attestation) is cleared when the entry closes, so a delivered attestation's document data does
 * not stay on the kiosk.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        jti TEXT PRIMARY KEY,
        session_id TEXT NOT NULL UNIQUE,
        body TEXT,
        body_sha256 TEXT NOT NULL,
        submit_by INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'rejected', 'expired')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        problem_type TEXT,
        receipt TEXT,
        receipt_id TEXT,
        created_at INTEGER NOT NULL,
        closed_at INTEGER
      ) STRICT;
      CREATE INDEX outbox_pending ON outbox (state, next_attempt_at);
    `);
  },
};
