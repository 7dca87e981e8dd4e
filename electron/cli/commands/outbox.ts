import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NotEnrolledError } from '../../host/authority-client/errors';
import type { OutboxState } from '../../host/outbox/outbox';
import { openKioskRuntime } from '../../host/session/kiosk-runtime';
import { ExitCode, UsageError, type CliIo, type KioskctlCommand } from '../command';
import { reportFailure, resolveDataDir } from './enroll';

function parse(argv: string[], extra: Record<string, { type: 'string' | 'boolean' }>) {
  try {
    return parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, json: { type: 'boolean' }, ...extra }, strict: true }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const STATES = ['pending', 'delivered', 'rejected', 'expired'];

export const outboxList: KioskctlCommand = {
  name: 'outbox list',
  summary: 'list queued and closed upgrade attestations (no personal data)',
  usage: 'kioskctl outbox list [--state pending|delivered|rejected|expired] [--data-dir <dir>] [--json]',
  async run(argv: string[], io: CliIo): Promise<ExitCode> {
    const values = parse(argv, { state: { type: 'string' } });
    const state = values.state as string | undefined;
    if (state !== undefined && !STATES.includes(state)) throw new UsageError(`--state is one of ${STATES.join(', ')}`);
    const json = values.json === true;
    try {
      const runtime = await openKioskRuntime({ dataDir: resolveDataDir(values['data-dir'] as string | undefined) });
      try {
        if (!runtime.outbox) throw new NotEnrolledError();
        const entries = runtime.outbox.list(state as OutboxState | undefined);
        if (json) io.out(JSON.stringify({ ok: true, depth: runtime.outbox.depth(), entries }));
        else if (entries.length === 0) io.out('outbox is empty');
        else for (const e of entries) io.out(`${e.jti}  ${e.state.padEnd(9)}  attempts ${e.attempts}  submit by ${e.submitBy}  ${e.problemType ?? e.lastError ?? ''}`);
        return ExitCode.ok;
      } finally {
        runtime.close();
      }
    } catch (error) {
      return reportFailure(io, json, 'outbox list', error);
    }
  },
};

export const outboxRetry: KioskctlCommand = {
  name: 'outbox retry',
  summary: 'send pending attestations now (all, or one by --jti), once',
  usage: 'kioskctl outbox retry [--jti <jti>] [--data-dir <dir>] [--json]',
  async run(argv: string[], io: CliIo): Promise<ExitCode> {
    const values = parse(argv, { jti: { type: 'string' } });
    const json = values.json === true;
    try {
      const runtime = await openKioskRuntime({ dataDir: resolveDataDir(values['data-dir'] as string | undefined) });
      try {
        if (!runtime.outbox) throw new NotEnrolledError();
        const jti = values.jti as string | undefined;
        const made = runtime.outbox.makeDue(jti);
        const results: Array<{ jti: string; result: string }> = [];
        for (const entry of runtime.outbox.list('pending')) {
          if (jti && entry.jti !== jti) continue;
          results.push({ jti: entry.jti, result: await runtime.outbox.attempt(entry.jti) });
        }
        const pending = runtime.outbox.depth();
        if (json) io.out(JSON.stringify({ ok: true, attempted: made, results, pending }));
        else io.out(`${results.filter((r) => r.result === 'delivered').length} delivered, ${pending} still pending`);
        return results.some((r) => r.result === 'rejected') ? ExitCode.failed : ExitCode.ok;
      } finally {
        runtime.close();
      }
    } catch (error) {
      return reportFailure(io, json, 'outbox retry', error);
    }
  },
};

export const outboxExport: KioskctlCommand = {
  name: 'outbox export',
  summary: 'export entries with their receipts (and, on request, pending attestations for manual delivery)',
  usage: 'kioskctl outbox export [--with-attestations] [--out <file>] [--data-dir <dir>] [--json]',
  async run(argv: string[], io: CliIo): Promise<ExitCode> {
    const values = parse(argv, { out: { type: 'string' }, 'with-attestations': { type: 'boolean' } });
    const json = values.json === true;
    try {
      const runtime = await openKioskRuntime({ dataDir: resolveDataDir(values['data-dir'] as string | undefined) });
      try {
        if (!runtime.outbox) throw new NotEnrolledError();
        const document = { terminal_id: runtime.identity?.terminalId, exported_at: new Date().toISOString(), entries: runtime.outbox.export({ withAttestations: values['with-attestations'] === true }) };
        const text = JSON.stringify(document, null, json ? undefined : 2);
        if (typeof values.out === 'string') {
          // With --with-attestations the file carries document data (DG1): for the operator only.
          writeFileSync(values.out, text, { mode: 0o600 });
          io.out(json ? JSON.stringify({ ok: true, file: values.out, entries: document.entries.length }) : `${document.entries.length} entries written to ${values.out}`);
        } else io.out(text);
        return ExitCode.ok;
      } finally {
        runtime.close();
      }
    } catch (error) {
      return reportFailure(io, json, 'outbox export', error);
    }
  },
};

export const commands: KioskctlCommand[] = [outboxList, outboxRetry, outboxExport];
