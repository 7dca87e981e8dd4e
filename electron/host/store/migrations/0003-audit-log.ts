import type { Migration } from './migration';

/** RFC 9162 leaves (0-based index) and the terminal-signed checkpoints over them. */
export const migration0003: Migration = {
  version: 3,
  name: 'audit-log',
  up(db) {
    db.exec(`
      CREATE TABLE audit_leaf (
        leaf_index INTEGER PRIMARY KEY,
        leaf TEXT NOT NULL,
        leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32)
      ) STRICT;
      CREATE TABLE audit_checkpoint (
        tree_size INTEGER PRIMARY KEY,
        root BLOB NOT NULL CHECK (length(root) = 32),
        signed TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
