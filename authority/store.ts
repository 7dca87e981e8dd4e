import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { JWK } from 'jose';
import type { AccountHolder } from './holder-match';
import type { SessionPolicy } from './upgrade-policy';

export type SessionState = 'open' | 'bound' | 'completed' | 'expired';

export interface TerminalRow {
  terminal_id: string;
  kid: string;
  public_jwk: string;
  name: string;
  enrolled_at: number;
  revoked_at: number | null;
}

export interface AccountRow {
  account_id: string;
  kid: string;
  public_jwk: string;
  display_name_masked: string;
  document_number: string | null;
  birth_date: string | null;
  primary_identifier: string | null;
  secondary_identifier: string | null;
  cn_id_number: string | null;
  cn_name: string | null;
  created_at: number;
  upgraded_at: number | null;
}

export interface SessionRow {
  session_id: string;
  terminal_id: string;
  nonce: string;
  aa_challenge: string;
  created_at: number;
  expires_at: number;
  submit_by: number;
  state: SessionState;
  account_id: string | null;
  bound_at: number | null;
  wrong_codes: number;
  policy: string;
  completed_jti: string | null;
}

export interface UpgradeRow {
  jti: string;
  session_id: string;
  terminal_id: string;
  body_sha256: string;
  status: number;
  outcome: string;
  content_type: string;
  response: string;
  receipt_id: string | null;
  decided_at: number;
}

export const sha256Hex = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

/** Time-based expiry is derived on read: an open session past expires_at, a bound one past submit_by. */
export function effectiveState(s: SessionRow, now: number): SessionState {
  if (s.state === 'open' && now > s.expires_at) return 'expired';
  if (s.state === 'bound' && now > s.submit_by) return 'expired';
  return s.state;
}

export function accountHolder(a: AccountRow): AccountHolder {
  return {
    documentNumber: a.document_number,
    birthDate: a.birth_date,
    primaryIdentifier: a.primary_identifier,
    secondaryIdentifier: a.secondary_identifier,
    cnIdNumber: a.cn_id_number,
    cnName: a.cn_name,
  };
}

/** Masks all but the first character of each name part ("Anna Eriksson" → "A*** E*******"). */
export function maskDisplayName(name: string): string {
  return name
    .trim()
    .split(/\s+/u)
    .map((part) => {
      const chars = [...part];
      return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
    })
    .join(' ');
}

export interface NewAccount {
  publicJwk: JWK;
  kid: string;
  displayName: string;
  holder: AccountHolder;
}

/** Typed access to the authority database (better-sqlite3 is synchronous: each call is atomic). */
export class AuthorityStore {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Database) {}

  /** Prepared once per SQL text (preparing is a measurable share of each request). */
  private sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  // Enrollment tokens and terminals
  issueEnrollmentToken(now: number): string {
    // Typed by technicians on command lines: a fixed prefix, so a token never starts with '-'.
    const token = `et_${randomBytes(24).toString('base64url')}`;
    this.sql('INSERT INTO enrollment_tokens (token_sha256, created_at) VALUES (?, ?)').run(sha256Hex(token), now);
    return token;
  }

  /** Uses the token and enrolls the terminal in one transaction; false if the token is unknown or used. */
  enrollTerminal(token: string, t: Omit<TerminalRow, 'revoked_at'>): boolean {
    return this.db.transaction(() => {
      const used = this
        .sql('UPDATE enrollment_tokens SET used_at = ?, terminal_id = NULL WHERE token_sha256 = ? AND used_at IS NULL')
        .run(t.enrolled_at, sha256Hex(token));
      if (used.changes !== 1) return false;
      this
        .sql('INSERT INTO terminals (terminal_id, kid, public_jwk, name, enrolled_at) VALUES (?, ?, ?, ?, ?)')
        .run(t.terminal_id, t.kid, t.public_jwk, t.name, t.enrolled_at);
      this.sql('UPDATE enrollment_tokens SET terminal_id = ? WHERE token_sha256 = ?').run(t.terminal_id, sha256Hex(token));
      return true;
    })();
  }

  terminalByKid(kid: string): TerminalRow | undefined {
    return this.sql('SELECT * FROM terminals WHERE kid = ?').get(kid) as TerminalRow | undefined;
  }

  terminal(id: string): TerminalRow | undefined {
    return this.sql('SELECT * FROM terminals WHERE terminal_id = ?').get(id) as TerminalRow | undefined;
  }

  listTerminals(): TerminalRow[] {
    return this.sql('SELECT * FROM terminals ORDER BY enrolled_at').all() as TerminalRow[];
  }

  revokeTerminal(id: string, now: number): boolean {
    return this.sql('UPDATE terminals SET revoked_at = ? WHERE terminal_id = ? AND revoked_at IS NULL').run(now, id).changes === 1;
  }

  recordHeartbeat(id: string, now: number, status: unknown): void {
    this
      .sql(
        'INSERT INTO terminal_heartbeats VALUES (?, ?, ?) ON CONFLICT(terminal_id) DO UPDATE SET received_at = excluded.received_at, status = excluded.status',
      )
      .run(id, now, JSON.stringify(status));
  }

  heartbeat(id: string): { received_at: number; status: string } | undefined {
    return this.sql('SELECT received_at, status FROM terminal_heartbeats WHERE terminal_id = ?').get(id) as
      | { received_at: number; status: string }
      | undefined;
  }

  /** Remembers a request token's jti; false if it was seen before (replay). */
  rememberRequestJti(terminalId: string, jti: string, forgetAfter: number, now: number): boolean {
    this.sql('DELETE FROM request_jtis WHERE forget_after < ?').run(now);
    const r = this.sql('INSERT OR IGNORE INTO request_jtis VALUES (?, ?, ?)').run(terminalId, jti, forgetAfter);
    return r.changes === 1;
  }

  // Accounts and one-time codes
  createAccount(a: NewAccount, now: number): string {
    const accountId = `acct_${randomUUID()}`;
    const h = a.holder;
    this
      .sql(
        `INSERT INTO accounts (account_id, kid, public_jwk, display_name_masked, document_number, birth_date,
          primary_identifier, secondary_identifier, cn_id_number, cn_name, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(accountId, a.kid, JSON.stringify(a.publicJwk), maskDisplayName(a.displayName), h.documentNumber, h.birthDate,
        h.primaryIdentifier, h.secondaryIdentifier, h.cnIdNumber, h.cnName, now);
    return accountId;
  }

  accountByKid(kid: string): AccountRow | undefined {
    return this.sql('SELECT * FROM accounts WHERE kid = ?').get(kid) as AccountRow | undefined;
  }

  account(id: string): AccountRow | undefined {
    return this.sql('SELECT * FROM accounts WHERE account_id = ?').get(id) as AccountRow | undefined;
  }

  /** A new 8-digit code; the account's earlier unused codes stop working. */
  issueUpgradeCode(accountId: string, now: number, ttl: number, code: () => string): string {
    return this.db.transaction(() => {
      this.sql('UPDATE upgrade_codes SET used_at = ? WHERE account_id = ? AND used_at IS NULL').run(now, accountId);
      for (;;) {
        const c = code();
        const r = this.sql('INSERT OR IGNORE INTO upgrade_codes VALUES (?, ?, ?, ?, NULL)').run(sha256Hex(c), accountId, now, now + ttl);
        if (r.changes === 1) return c;
      }
    })();
  }

  /** Uses a code if it is valid now; returns its account. */
  useUpgradeCode(code: string, now: number): string | undefined {
    const row = this
      .sql('SELECT account_id FROM upgrade_codes WHERE code_sha256 = ? AND used_at IS NULL AND expires_at >= ?')
      .get(sha256Hex(code), now) as { account_id: string } | undefined;
    if (!row) return undefined;
    this.sql('UPDATE upgrade_codes SET used_at = ? WHERE code_sha256 = ?').run(now, sha256Hex(code));
    return row.account_id;
  }

  // Sessions
  createSession(s: Omit<SessionRow, 'state' | 'account_id' | 'bound_at' | 'wrong_codes' | 'completed_jti' | 'policy'> & { policy: SessionPolicy }): void {
    this
      .sql(
        `INSERT INTO sessions (session_id, terminal_id, nonce, aa_challenge, created_at, expires_at, submit_by, state, policy)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
      )
      .run(s.session_id, s.terminal_id, s.nonce, s.aa_challenge, s.created_at, s.expires_at, s.submit_by, JSON.stringify(s.policy));
  }

  session(id: string): SessionRow | undefined {
    return this.sql('SELECT * FROM sessions WHERE session_id = ?').get(id) as SessionRow | undefined;
  }

  /** Binds an open session; false if it was not open any more. */
  bindSession(id: string, accountId: string, now: number): boolean {
    return (
      this
        .sql(`UPDATE sessions SET state = 'bound', account_id = ?, bound_at = ? WHERE session_id = ? AND state = 'open' AND expires_at >= ?`)
        .run(accountId, now, id, now).changes === 1
    );
  }

  /** Counts a wrong code; returns the new count. */
  countWrongCode(id: string, closeAt: number): number {
    return this.db.transaction(() => {
      this.sql('UPDATE sessions SET wrong_codes = wrong_codes + 1 WHERE session_id = ?').run(id);
      const { wrong_codes } = this.sql('SELECT wrong_codes FROM sessions WHERE session_id = ?').get(id) as { wrong_codes: number };
      if (wrong_codes >= closeAt) this.sql(`UPDATE sessions SET state = 'expired' WHERE session_id = ?`).run(id);
      return wrong_codes;
    })();
  }

  // Upgrades
  upgrade(jti: string): UpgradeRow | undefined {
    return this.sql('SELECT * FROM upgrades WHERE jti = ?').get(jti) as UpgradeRow | undefined;
  }

  recordRefusal(u: Omit<UpgradeRow, 'receipt_id'>): void {
    this.sql('INSERT INTO upgrades VALUES (?,?,?,?,?,?,?,?,NULL,?)').run(
      u.jti, u.session_id, u.terminal_id, u.body_sha256, u.status, u.outcome, u.content_type, u.response, u.decided_at);
  }

  /** Stores the receipt and completes the session in one transaction. */
  recordUpgrade(u: UpgradeRow & { account_id: string }): void {
    this.db.transaction(() => {
      const done = this
        .sql(`UPDATE sessions SET state = 'completed', completed_jti = ? WHERE session_id = ? AND state = 'bound'`)
        .run(u.jti, u.session_id);
      if (done.changes !== 1) throw new Error('session was not bound when its upgrade was recorded');
      this.sql('INSERT INTO upgrades VALUES (?,?,?,?,?,?,?,?,?,?)').run(
        u.jti, u.session_id, u.terminal_id, u.body_sha256, u.status, u.outcome, u.content_type, u.response, u.receipt_id, u.decided_at);
      this.sql('UPDATE accounts SET upgraded_at = ? WHERE account_id = ?').run(u.decided_at, u.account_id);
    })();
  }

  /** Per session: how many upgrades were recorded and how many refusals (should be 0 or 1 upgrades). */
  upgradesBySession(): { session_id: string; upgraded: number; refused: number }[] {
    return this
      .sql(
        `SELECT session_id, SUM(outcome = 'upgraded') AS upgraded, SUM(outcome != 'upgraded') AS refused
         FROM upgrades GROUP BY session_id ORDER BY MIN(decided_at)`,
      )
      .all() as never;
  }

  /** Upgrades per session and jti (the admin CLI's "recorded exactly once" view). */
  listUpgrades(): { session_id: string; jti: string; outcome: string; status: number; count: number; decided_at: number }[] {
    return this
      .sql(
        `SELECT session_id, jti, outcome, status, COUNT(*) AS count, MIN(decided_at) AS decided_at
         FROM upgrades GROUP BY session_id, jti ORDER BY decided_at`,
      )
      .all() as never;
  }
}
