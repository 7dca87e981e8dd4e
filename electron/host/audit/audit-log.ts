import { createHmac } from 'node:crypto';
import type { JWK } from 'jose';
import { verifyProtocolJws } from '../authority-client/verify-jws';
import { signCompactJws } from '../identity/compact-jws';
import type { TerminalKey } from '../identity/terminal-key';
import type { KioskStore } from '../store/database';
import { guardStore } from '../store/errors';
import { AuditEvent } from './events';
import {
  type Hash,
  TreeFrontier,
  consistencyProof,
  inclusionProof,
  leafHash,
  treeHead,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

export class AuditEventError extends Error {
  override readonly name = 'AuditEventError';
  readonly code = 'audit-event-invalid';
}

export interface TreeHeadInfo {
  treeSize: number;
  root: Hash;
}

export interface CheckpointPayload {
  iss: string;
  tree_size: number;
  root: string;
  iat: number;
}

export interface AuditVerification {
  ok: boolean;
  treeSize: number;
  root: string;
  checkpoints: number;
  problems: string[];
}

const encoder = new TextEncoder();
const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64url');

/**
 * The kiosk's append-only audit log: each event is one RFC 9162 leaf (its canonical JSON text),
 * and signed checkpoints (typ `kiosk-checkpoint+jwt`) commit the terminal to a tree head.
 */
export class AuditLog {
  private frontier = new TreeFrontier();

  constructor(
    private readonly store: KioskStore,
    private readonly key: TerminalKey,
    private readonly pseudonymSecret: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {
    this.reload();
  }

  /** HMAC-SHA256 pseudonym of an identifier, under this terminal's secret. */
  pseudonym(value: string): string {
    return createHmac('sha256', this.pseudonymSecret).update(value).digest('base64url');
  }

  private reload(): void {
    const frontier = new TreeFrontier();
    const rows = guardStore(() => this.store.db.prepare('SELECT leaf_hash FROM audit_leaf ORDER BY leaf_index').raw().all()) as Array<[Buffer]>;
    for (const [hash] of rows) frontier.append(new Uint8Array(hash));
    this.frontier = frontier;
  }

  /** A rolled-back transaction may have appended in memory only; the database is the truth. */
  private sync(): void {
    // max() walks the rowid b-tree (O(log n)); count(*) would scan the table on every append.
    const row = guardStore(() => this.store.db.prepare('SELECT coalesce(max(leaf_index) + 1, 0) AS n FROM audit_leaf').get()) as { n: number };
    if (row.n !== this.frontier.size) this.reload();
  }

  /** Appends one event; call inside `store.transaction` to make it atomic with other writes. */
  append(event: AuditEvent): TreeHeadInfo & { index: number } {
    const parsed = AuditEvent.safeParse(event);
    if (!parsed.success) throw new AuditEventError(`audit event refused: ${parsed.error.message}`);
    // Read-then-insert under the write lock (a savepoint when already in a transaction), so two
    // processes (host and kioskctl) cannot both take the same index.
    return this.store.transaction(() => {
      this.sync();
      const index = this.frontier.size;
      const leaf = JSON.stringify({ at: new Date(this.now()).toISOString(), ...parsed.data });
      const hash = leafHash(encoder.encode(leaf));
      this.store.db.prepare('INSERT INTO audit_leaf (leaf_index, leaf, leaf_hash) VALUES (?, ?, ?)').run(index, leaf, hash);
      this.frontier.append(hash);
      return { index, treeSize: this.frontier.size, root: this.frontier.root() };
    });
  }

  head(): TreeHeadInfo {
    this.sync();
    return { treeSize: this.frontier.size, root: this.frontier.root() };
  }

  private leafHashes(size?: number): Hash[] {
    const rows = guardStore(() =>
      this.store.db.prepare('SELECT leaf_hash FROM audit_leaf WHERE leaf_index < ? ORDER BY leaf_index').raw().all(size ?? Number.MAX_SAFE_INTEGER),
    ) as Array<[Buffer]>;
    return rows.map(([h]) => new Uint8Array(h));
  }

  leaves(from = 0, limit = 1000): Array<{ index: number; leaf: string }> {
    return (guardStore(() =>
      this.store.db.prepare('SELECT leaf_index AS "index", leaf FROM audit_leaf WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?').all(from, limit),
    ) as Array<{ index: number; leaf: string }>);
  }

  /** Signs the current head and stores the checkpoint. */
  async checkpoint(issuer: string): Promise<{ jws: string; payload: CheckpointPayload }> {
    const { treeSize, root } = this.head();
    const payload: CheckpointPayload = { iss: issuer, tree_size: treeSize, root: b64(root), iat: Math.floor(this.now() / 1000) };
    const jws = await signCompactJws(this.key, 'kiosk-checkpoint+jwt', payload as unknown as Record<string, unknown>);
    guardStore(() =>
      this.store.db
        .prepare('INSERT OR REPLACE INTO audit_checkpoint (tree_size, root, signed, created_at) VALUES (?, ?, ?, ?)')
        .run(treeSize, root, jws, new Date(this.now()).toISOString()),
    );
    return { jws, payload };
  }

  inclusionProof(index: number, treeSize: number): Hash[] {
    return inclusionProof(this.leafHashes(treeSize), index, treeSize);
  }

  consistencyProof(first: number, second: number): Hash[] {
    return consistencyProof(this.leafHashes(second), first, second);
  }

  /**
   * Recomputes every leaf hash from its stored text, the head, every checkpoint's signature and
   * root, and the consistency of each checkpoint with the next and with the current tree.
   */
  async verify(publicJwk: JWK = this.key.publicJwk): Promise<AuditVerification> {
    const problems: string[] = [];
    const rows = guardStore(() => this.store.db.prepare('SELECT leaf_index, leaf, leaf_hash FROM audit_leaf ORDER BY leaf_index').all()) as Array<{
      leaf_index: number;
      leaf: string;
      leaf_hash: Buffer;
    }>;
    const hashes: Hash[] = [];
    rows.forEach((row, i) => {
      if (row.leaf_index !== i) problems.push(`leaf ${i} is missing (found index ${row.leaf_index})`);
      const recomputed = leafHash(encoder.encode(row.leaf));
      if (!Buffer.from(recomputed).equals(row.leaf_hash)) problems.push(`leaf ${row.leaf_index}: stored hash does not match its text`);
      hashes.push(recomputed);
    });
    const root = treeHead(hashes);
    const checkpoints = guardStore(() => this.store.db.prepare('SELECT tree_size, root, signed FROM audit_checkpoint ORDER BY tree_size').all()) as Array<{
      tree_size: number;
      root: Buffer;
      signed: string;
    }>;
    let previous: { size: number; root: Hash } | undefined;
    for (const cp of checkpoints) {
      try {
        const { payload } = await verifyProtocolJws<CheckpointPayload>(cp.signed, [publicJwk], 'kiosk-checkpoint+jwt');
        if (payload.tree_size !== cp.tree_size || payload.root !== b64(cp.root)) problems.push(`checkpoint ${cp.tree_size}: signed content differs from stored`);
      } catch (error) {
        problems.push(`checkpoint ${cp.tree_size}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (cp.tree_size > hashes.length) {
        problems.push(`checkpoint ${cp.tree_size} is beyond the log (${hashes.length} leaves): leaves were removed`);
        continue;
      }
      const cpRoot = new Uint8Array(cp.root);
      const proof = consistencyProof(hashes, cp.tree_size, hashes.length);
      if (!verifyConsistency(cp.tree_size, hashes.length, cpRoot, root, proof)) {
        problems.push(`checkpoint ${cp.tree_size} is not consistent with the current log: history was rewritten`);
      }
      if (previous && !verifyConsistency(previous.size, cp.tree_size, previous.root, cpRoot, consistencyProof(hashes, previous.size, cp.tree_size))) {
        problems.push(`checkpoints ${previous.size} → ${cp.tree_size} are inconsistent`);
      }
      previous = { size: cp.tree_size, root: cpRoot };
    }
    // Spot check: the newest leaf is included under the head, by proof rather than by recomputation.
    if (hashes.length > 0) {
      const last = hashes.length - 1;
      if (!verifyInclusion(hashes[last] as Hash, last, hashes.length, inclusionProof(hashes, last), root)) problems.push('inclusion proof of the newest leaf fails');
    }
    return { ok: problems.length === 0, treeSize: hashes.length, root: b64(root), checkpoints: checkpoints.length, problems };
  }
}
