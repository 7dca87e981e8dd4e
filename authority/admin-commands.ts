import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { loadAuthorityConfig } from './config';
import { openDatabase } from './database';
import { jwkThumbprint } from './jws';
import { AuthorityStore } from './store';
import { importTrustFile } from './trust-store';

export const ADMIN_USAGE = `usage: authority-admin [--config <file>] [--db <file>] <command> [options]
  (default config: authority/default-config.json, as for the server)
commands:
  enrollment-token                      print a new single-use terminal enrollment token
  create-account --display-name <name> --out <app-key.json>
      [--document-number <n> --birth-date <YYMMDD|YYYY-MM-DD> --surname <s> [--given-names <g>]]
      [--cn-id-number <18 chars> --cn-name <name>]
                                        create a limited digital ID account; prints its id and
                                        writes the app key file (mode 0600) for the citizen app
  list-terminals                        terminals with enrollment and revocation times
  revoke-terminal <terminal_id>         revoke: every later call from it is 403 terminal-revoked
  import-csca <file>...                 add CSCA certificates (DER or PEM) to the trust folder
  import-crl <file>...                  add CRLs to the trust folder
  list-upgrades [--by-session]          final answers per session and jti, with counts
                                        (--by-session: upgraded and refused counts per session)
  set-faults --url <authority url> [--unavailable <retry-after s> | --available]
      [--latency-ms <n>] [--upgrade-processing-ms <n>]
                                        switch fault injection of a running server started
                                        with test_controls: true (POST /_test/faults)`;

export class AdminUsageError extends Error {
  readonly code = 'admin-usage';
  constructor(message: string) {
    super(message);
    this.name = 'AdminUsageError';
  }
}

/** YYMMDD as in the MRZ, from YYMMDD or YYYY-MM-DD. */
export function mrzBirthDate(value: string): string {
  if (/^\d{6}$/.test(value)) return value;
  const m = /^\d{2}(\d{2})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) throw new AdminUsageError(`--birth-date ${value} is not YYMMDD or YYYY-MM-DD`);
  return `${m[1]}${m[2]}${m[3]}`;
}

export interface AdminIo {
  out: (line: string) => void;
  now?: () => number;
}

/** Runs one admin command against the authority database; returns the process exit code. */
export async function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      db: { type: 'string' },
      'display-name': { type: 'string' },
      out: { type: 'string' },
      'document-number': { type: 'string' },
      'birth-date': { type: 'string' },
      surname: { type: 'string' },
      'given-names': { type: 'string' },
      'cn-id-number': { type: 'string' },
      'cn-name': { type: 'string' },
      url: { type: 'string' },
      'by-session': { type: 'boolean' },
      unavailable: { type: 'string' },
      available: { type: 'boolean' },
      'latency-ms': { type: 'string' },
      'upgrade-processing-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    io.out(ADMIN_USAGE);
    return values.help ? 0 : 2;
  }
  if (command === 'set-faults') return setFaults(values, io);
  const config = loadAuthorityConfig(values.config ?? 'authority/default-config.json');
  const now = Math.floor((io.now ?? Date.now)() / 1000);
  const db = openDatabase(values.db ?? config.db_path);
  const store = new AuthorityStore(db);
  try {
    switch (command) {
      case 'enrollment-token':
        io.out(store.issueEnrollmentToken(now));
        return 0;
      case 'create-account': {
        const displayName = values['display-name'];
        const out = values.out;
        if (!displayName || !out) throw new AdminUsageError('create-account needs --display-name and --out');
        const icao = values['document-number'] !== undefined;
        const cn = values['cn-id-number'] !== undefined;
        if (!icao && !cn) throw new AdminUsageError('create-account needs --document-number … or --cn-id-number …');
        if (icao && (!values['birth-date'] || !values.surname)) throw new AdminUsageError('--document-number needs --birth-date and --surname');
        if (cn && !values['cn-name']) throw new AdminUsageError('--cn-id-number needs --cn-name');
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
        const publicJwk: JWK = { kty: kty!, crv: crv!, x: x!, y: y! };
        const kid = await jwkThumbprint(publicJwk);
        const accountId = store.createAccount(
          {
            publicJwk,
            kid,
            displayName,
            holder: {
              documentNumber: values['document-number'] ?? null,
              birthDate: values['birth-date'] ? mrzBirthDate(values['birth-date']) : null,
              primaryIdentifier: values.surname ?? null,
              secondaryIdentifier: values['given-names'] ?? null,
              cnIdNumber: values['cn-id-number']?.toUpperCase() ?? null,
              cnName: values['cn-name'] ?? null,
            },
          },
          now,
        );
        const keyFile = { account_id: accountId, authority_id: config.authority_id, kid, private_jwk: privateKey.export({ format: 'jwk' }) };
        writeFileSync(out, `${JSON.stringify(keyFile, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
        io.out(JSON.stringify({ account_id: accountId, app_key_file: out }));
        return 0;
      }
      case 'list-terminals':
        for (const t of store.listTerminals()) {
          io.out(JSON.stringify({ terminal_id: t.terminal_id, name: t.name, kid: t.kid, enrolled_at: t.enrolled_at, revoked_at: t.revoked_at }));
        }
        return 0;
      case 'revoke-terminal': {
        const id = args[0];
        if (!id) throw new AdminUsageError('revoke-terminal needs a terminal id');
        if (!store.terminal(id)) throw new AdminUsageError(`no terminal ${id}`);
        io.out(store.revokeTerminal(id, now) ? `revoked ${id}` : `${id} was already revoked`);
        return 0;
      }
      case 'import-csca':
      case 'import-crl': {
        if (args.length === 0) throw new AdminUsageError(`${command} needs at least one file`);
        for (const file of args) io.out(`imported ${importTrustFile(config.trust_dir, file, command === 'import-crl' ? 'crl' : 'csca')}`);
        return 0;
      }
      case 'list-upgrades':
        for (const u of values['by-session'] ? store.upgradesBySession() : store.listUpgrades()) io.out(JSON.stringify(u));
        return 0;
      default:
        throw new AdminUsageError(`unknown command ${command}`);
    }
  } finally {
    db.close();
  }
}

async function setFaults(
  values: { url?: string; unavailable?: string; available?: boolean; 'latency-ms'?: string; 'upgrade-processing-ms'?: string },
  io: AdminIo,
): Promise<number> {
  if (!values.url) throw new AdminUsageError('set-faults needs --url');
  const int = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new AdminUsageError(`--${name} ${v} is not a whole number`);
    return Number(v);
  };
  const body: Record<string, number | null> = {};
  if (values.available) body.unavailable_retry_after = null;
  const retry = int('unavailable', values.unavailable);
  if (retry !== undefined) body.unavailable_retry_after = retry;
  const latency = int('latency-ms', values['latency-ms']);
  if (latency !== undefined) body.latency_ms = latency;
  const processing = int('upgrade-processing-ms', values['upgrade-processing-ms']);
  if (processing !== undefined) body.upgrade_processing_ms = processing;
  const res = await fetch(new URL('/_test/faults', values.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`set-faults: ${res.status} ${text} (is test_controls on?)`);
  io.out(text);
  return 0;
}
