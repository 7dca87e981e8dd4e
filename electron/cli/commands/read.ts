import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { ApduTransceiver } from '../../../hardware/apdu/transceiver';
import { IcaoError } from '../../../hardware/icao/errors';
import type { ChipFileName } from '../../../hardware/icao/files';
import { readChip, type ReadChipResult } from '../../../hardware/icao/read-chip';
import type { MrzKeySeed, PacePassword } from '../../../hardware/icao/read-chip';
import { parseDg1, parseMrzText, type DataGroup1 } from '../../../hardware/icao/lds/dg1';
import { parseDg2 } from '../../../hardware/icao/lds/dg2';
import { CscaStore } from '../../../hardware/icao/pa/csca-store';
import { verifyPassiveAuthentication, type PassiveAuthenticationResult } from '../../../hardware/icao/pa/passive-authentication';
import { ExitCode, UsageError, type CliIo, type KioskctlCommand } from '../command';

/** An open reader with a card on it, as the reader factory hands it out. */
export interface ReaderHandle {
  transceiver: ApduTransceiver;
  /** Serial line rate, when the reader sits on a UART (for the wire-time bound). */
  baud?: number;
  /** Bytes of reader framing added to each C-APDU and each R-APDU (e.g. 10 for a CCID header). */
  framingBytesPerMessage?: number;
  close(): Promise<void>;
}

export interface ReadCommandDeps {
  openReader(uri: string): Promise<ReaderHandle>;
  now?: () => Date;
}

const USAGE =
  'kioskctl read --reader <uri> (--mrz <MRZ lines | docno,YYMMDD birth,YYMMDD expiry> | --can <6 digits>) ' +
  '[--csca <dir>] [--aa-challenge <16 hex>] [--save-portrait <file>] [--json]';

interface ReadArgs {
  reader: string;
  access: PacePassword;
  csca?: string;
  aaChallenge?: Uint8Array;
  savePortrait?: string;
  json: boolean;
}

/** `--mrz` takes either the printed MRZ (lines joined by newlines, `\n` or nothing) or `docno,birth,expiry`. */
export function parseMrzArgument(value: string): MrzKeySeed {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length === 3) {
    const [documentNumber, dateOfBirth, dateOfExpiry] = parts as [string, string, string];
    if (!/^[A-Z0-9<]{1,20}$/i.test(documentNumber) || !/^\d{6}$/.test(dateOfBirth) || !/^\d{6}$/.test(dateOfExpiry)) {
      throw new UsageError('--mrz docno,birth,expiry: dates are YYMMDD');
    }
    return { documentNumber: documentNumber.toUpperCase(), dateOfBirth, dateOfExpiry };
  }
  const text = value.replace(/\\n/g, '').replace(/\s+/g, '').toUpperCase();
  let dg1: DataGroup1;
  try {
    dg1 = parseMrzText(text);
  } catch {
    throw new UsageError('--mrz is neither MRZ lines (TD1/TD2/TD3) nor docno,birth,expiry');
  }
  return { documentNumber: dg1.documentNumber, dateOfBirth: dg1.birthDate, dateOfExpiry: dg1.expiryDate };
}

export function parseReadArgs(argv: string[]): ReadArgs {
  const args: Partial<ReadArgs> & { json: boolean } = { json: false };
  let mrz: MrzKeySeed | undefined;
  let can: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--reader':
        args.reader = value();
        break;
      case '--mrz':
        mrz = parseMrzArgument(value());
        break;
      case '--can':
        can = value();
        if (!/^\d{6}$/.test(can)) throw new UsageError('--can is six digits');
        break;
      case '--csca':
        args.csca = value();
        break;
      case '--aa-challenge': {
        const hex = value();
        if (!/^[0-9a-fA-F]{16}$/.test(hex)) throw new UsageError('--aa-challenge is 8 bytes in hex');
        args.aaChallenge = Uint8Array.from(Buffer.from(hex, 'hex'));
        break;
      }
      case '--save-portrait':
        args.savePortrait = value();
        break;
      case '--json':
        args.json = true;
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  if (!args.reader) throw new UsageError('--reader is required');
  if ((mrz === undefined) === (can === undefined)) throw new UsageError('give exactly one of --mrz and --can');
  return { ...args, reader: args.reader, access: mrz ? { mrz } : { can: can! } } as ReadArgs;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Lower bound of the time the bytes need on the serial line: 10 bits per byte (8N1). */
export function wireTimeBoundMs(result: ReadChipResult, reader: Pick<ReaderHandle, 'baud' | 'framingBytesPerMessage'>): number | null {
  if (!reader.baud) return null;
  const bytes = result.timings.bytes + 2 * result.timings.apdus * (reader.framingBytesPerMessage ?? 0);
  return (bytes * 10 * 1000) / reader.baud;
}

export function createReadCommand(deps: ReadCommandDeps): KioskctlCommand {
  return {
    name: 'read',
    summary: 'read an ICAO 9303 chip: access control, files, passive and chip authentication',
    usage: USAGE,
    async run(argv: string[], io: CliIo): Promise<ExitCode> {
      const args = parseReadArgs(argv);
      let trust: CscaStore | undefined;
      if (args.csca) {
        try {
          trust = await CscaStore.fromFolder(args.csca);
        } catch (e) {
          io.err(`kioskctl read: cannot load CSCAs from ${args.csca}: ${e instanceof Error ? e.message : String(e)}`);
          return ExitCode.unavailable;
        }
      }
      let reader: ReaderHandle;
      try {
        reader = await deps.openReader(args.reader);
      } catch (e) {
        io.err(`kioskctl read: reader ${args.reader} unavailable: ${e instanceof Error ? e.message : String(e)}`);
        return ExitCode.unavailable;
      }
      let result: ReadChipResult;
      try {
        const files: ChipFileName[] = ['COM', 'DG1', 'DG2', 'DG14', 'DG15', 'SOD'];
        const stop = new AbortController();
        void io.interrupted.then(() => stop.abort());
        const reading = readChip(reader.transceiver, {
          signal: stop.signal,
          access: args.access,
          policy: { paceFirst: true, bacFallback: true },
          files,
          chipAuthentication: true,
          ...(args.aaChallenge ? { aaChallenge: args.aaChallenge } : {}),
        });
        // After an interrupt the session rejects with `aborted`; nobody awaits it any more.
        reading.catch(() => undefined);
        const outcome = await Promise.race([reading, io.interrupted.then(() => 'interrupted' as const)]);
        if (outcome === 'interrupted') return ExitCode.interrupted;
        result = outcome;
      } catch (e) {
        const code = e instanceof IcaoError ? e.code : (e as { code?: string }).code ?? 'error';
        if (args.json) io.out(JSON.stringify({ ok: false, error: { code, message: e instanceof Error ? e.message : String(e) } }));
        else io.err(`kioskctl read: ${code}: ${e instanceof Error ? e.message : String(e)}`);
        return ExitCode.failed;
      } finally {
        await reader.close().catch(() => undefined);
      }

      const report = await interpret(result, args, trust, deps.now?.() ?? new Date(), reader);
      if (args.savePortrait && report.portraitImage) await writeFile(args.savePortrait, report.portraitImage);
      const { portraitImage: _omit, ...json } = report;
      if (args.json) io.out(JSON.stringify(json));
      else io.out(humanText(json));
      if (json.pa.result === 'invalid' || json.chipAuth?.result === 'invalid') return ExitCode.notGenuine;
      return ExitCode.ok;
    },
  };
}

async function interpret(result: ReadChipResult, args: ReadArgs, trust: CscaStore | undefined, at: Date, reader: ReaderHandle) {
  let holder: Record<string, unknown> | null = null;
  let dg1: DataGroup1 | undefined;
  if (result.files.DG1) {
    try {
      dg1 = parseDg1(result.files.DG1);
      holder = {
        documentCode: dg1.documentCode,
        issuingState: dg1.issuingState,
        documentNumber: dg1.documentNumber,
        primaryIdentifier: dg1.primaryIdentifier,
        secondaryIdentifier: dg1.secondaryIdentifier,
        nationality: dg1.nationality,
        birthDate: dg1.birthDate,
        sex: dg1.sex,
        expiryDate: dg1.expiryDate,
        checkDigitsValid: dg1.checkDigitsValid,
      };
    } catch (e) {
      holder = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  let portrait: Record<string, unknown> | null = null;
  let portraitImage: Uint8Array | undefined;
  if (result.files.DG2) {
    try {
      const p = parseDg2(result.files.DG2).portraits[0]!;
      portraitImage = p.image;
      portrait = { format: p.format, encoding: p.encoding, width: p.width, height: p.height, bytes: p.image.length, sha256: sha256(p.image) };
    } catch (e) {
      portrait = { error: e instanceof Error ? e.message : String(e), dg2Bytes: result.files.DG2.length };
    }
  }
  let pa: Pick<PassiveAuthenticationResult, 'result' | 'reasons' | 'dsc_sha256' | 'csca_sha256' | 'crl_checked_at' | 'checks'> | { result: 'not-checked' };
  if (trust && result.files.SOD) {
    const dataGroups = new Map<number, Uint8Array>();
    for (const [name, bytes] of Object.entries(result.files)) if (name.startsWith('DG') && bytes) dataGroups.set(Number(name.slice(2)), bytes);
    const v = await verifyPassiveAuthentication({ sod: result.files.SOD, dataGroups, trust, at, issuingState: dg1?.issuingState ?? '' });
    pa = { result: v.result, reasons: v.reasons, dsc_sha256: v.dsc_sha256, csca_sha256: v.csca_sha256, crl_checked_at: v.crl_checked_at, checks: v.checks };
  } else {
    pa = { result: 'not-checked' };
  }
  const chipAuth = result.chipAuth
    ? { method: result.chipAuth.method, result: result.chipAuth.result, ...(result.chipAuth.aaSignature ? { aaSignature: hex(result.chipAuth.aaSignature) } : {}), ...(result.chipAuth.detail ? { detail: result.chipAuth.detail } : {}) }
    : null;
  return {
    ok: true,
    reader: args.reader,
    accessProtocol: result.accessProtocol,
    holder,
    pa,
    chipAuth,
    chipAuthSteps: result.chipAuthSteps.map((s) => ({ method: s.method, result: s.result })),
    portrait,
    files: Object.fromEntries(Object.entries(result.files).map(([k, v]) => [k, v?.length ?? 0])),
    timings: { ...result.timings, wireTimeBoundMs: wireTimeBoundMs(result, reader) },
    portraitImage,
  };
}

function humanText(r: Omit<Awaited<ReturnType<typeof interpret>>, 'portraitImage'>): string {
  const h = r.holder as Record<string, string> | null;
  return [
    `access:     ${r.accessProtocol.protocol}${'oid' in r.accessProtocol ? ` ${r.accessProtocol.mapping} ${r.accessProtocol.cipher} (parameter ${r.accessProtocol.parameterId}, ${r.accessProtocol.password})` : ''}`,
    h ? `holder:     ${h.primaryIdentifier ?? ''}, ${h.secondaryIdentifier ?? ''} — ${h.documentCode ?? ''} ${h.issuingState ?? ''} ${h.documentNumber ?? ''}, born ${h.birthDate ?? ''}, expires ${h.expiryDate ?? ''}` : 'holder:     (no DG1)',
    `PA:         ${r.pa.result}${'reasons' in r.pa && r.pa.reasons.length ? ` (${r.pa.reasons.join(', ')})` : ''}`,
    `chip auth:  ${r.chipAuthSteps.length ? r.chipAuthSteps.map((s) => `${s.method} ${s.result}`).join(', ') : 'none offered'}${r.chipAuth?.detail ? ` (${r.chipAuth.detail})` : ''}`,
    `portrait:   ${r.portrait ? JSON.stringify(r.portrait) : '(no DG2)'}`,
    `timings:    ${r.timings.apdus} APDUs, ${r.timings.bytes} bytes, ${r.timings.ms.toFixed(0)} ms${r.timings.wireTimeBoundMs !== null ? `, wire-time bound ${r.timings.wireTimeBoundMs.toFixed(0)} ms` : ''}`,
  ].join('\n');
}

/** Opens the card behind a reader URI; `sim:` URIs load fixtures/sim only when such a URI is used. */
async function openReaderFromUri(uri: string): Promise<ReaderHandle> {
  const { openCardSession } = await import('../../../hardware/readers');
  if (!uri.startsWith('sim:')) return openCardSession(uri);
  const { simulatorFactory } = await import('../../../fixtures/sim/sim-factory');
  return openCardSession(uri, { simulators: simulatorFactory, ccid: { pollIntervalMs: 0 } });
}

export const readCommand = createReadCommand({ openReader: openReaderFromUri });
export const commands: KioskctlCommand[] = [readCommand];
