import type { Migration } from './migration';

export const migration0003: Migration = {
  version: 3,
  name: 'upgrades-and-replay',
  up(db) {
    db.exec(`
      -- Request-token jtis seen, kept until the token could no longer pass the time rules.
      CREATE TABLE request_jtis (
        terminal_id TEXT NOT NULL,
        jti TEXT NOT NULL,
        forget_after INTEGER NOT NULL,
        PRIMARY KEY (terminal_id, jti)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX request_jtis_forget ON request_jtis(forget_after);
      -- Final answers to attestations, keyed by the attestation's jti. The attestation body itself
      -- (it carries DG1) is never stored: only its SHA-256 for the idempotency comparison.
      CREATE TABLE upgrades (
        jti TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(session_id),
        terminal_id TEXT NOT NULL REFERENCES terminals(terminal_id),
        body_sha256 TEXT NOT NULL,
        status INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        content_type TEXT NOT NULL,
        response TEXT NOT NULL,
        receipt_id TEXT UNIQUE,
        decided_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX upgrades_session ON upgrades(session_id);
      CREATE TABLE terminal_heartbeats (
        terminal_id TEXT PRIMARY KEY REFERENCES terminals(terminal_id),
        received_at INTEGER NOT NULL,
        status TEXT NOT NULL
      ) STRICT;
    `);
  },
};
