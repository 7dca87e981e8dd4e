import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDg1 } from '../../../hardware/icao/lds/dg1';
import { LdsError } from '../../../hardware/icao/lds/lds-error';
import { CscaStore } from '../../../hardware/icao/pa/csca-store';
import { TrustStoreError } from '../../../hardware/icao/pa/pa-error';
import { verifyPassiveAuthentication, type PassiveAuthenticationResult } from '../../../hardware/icao/pa/passive-authentication';
import { ExitCode, UsageError, type CliIo, type KioskctlCommand } from '../command';

/**
 * File names in the document folder: `EF.SOD` (required), `EF.COM`, and `DG<n>.bin` for data
 * group n (1–16; DG1 required). `EF.CardAccess` and `EF.CardSecurity` may be present and are
 * not used here. Everything else is ignored.
 */
export const DOCUMENT_FILE_NAMES = 'EF.SOD, EF.COM, DG1.bin … DG16.bin';
const DATA_GROUP_FILE = /^DG([1-9]|1[0-6])\.bin$/;

class Unavailable extends Error {}

async function readDocumentFolder(dir: string): Promise<{ sod: Uint8Array; dataGroups: Map<number, Uint8Array>; names: string[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    throw new Unavailable(`cannot read document folder ${dir}`);
  }
  if (!names.includes('EF.SOD')) throw new Unavailable(`${dir} has no EF.SOD (expected files: ${DOCUMENT_FILE_NAMES})`);
  const dataGroups = new Map<number, Uint8Array>();
  for (const name of names) {
    const m = DATA_GROUP_FILE.exec(name);
    if (m) dataGroups.set(Number(m[1]), new Uint8Array(await readFile(join(dir, name))));
  }
  const sod = new Uint8Array(await readFile(join(dir, 'EF.SOD')));
  return { sod, dataGroups, names: names.filter((n) => n === 'EF.SOD' || n === 'EF.COM' || DATA_GROUP_FILE.test(n)) };
}

/** A folder of certificates/CRLs/master lists, an authority `/v1/csca` JSON file, or one master list (.ml). */
async function loadTrust(path: string): Promise<CscaStore> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    throw new Unavailable(`CSCA source ${path} not found`);
  }
  if (isDir) return CscaStore.fromFolder(path);
  const bytes = new Uint8Array(await readFile(path));
  if (path.endsWith('.json')) return CscaStore.fromAuthorityJson(Buffer.from(bytes).toString('utf8'));
  if (path.endsWith('.ml')) return CscaStore.fromMasterList(bytes);
  return CscaStore.fromDer([bytes]);
}

function report(result: PassiveAuthenticationResult, extra: Record<string, unknown>) {
  return {
    result: result.result,
    reasons: result.reasons,
    checks: result.checks,
    dsc_sha256: result.dsc_sha256,
    csca_sha256: result.csca_sha256,
    crl_checked_at: result.crl_checked_at,
    hash_algorithm: result.hashAlgorithm,
    ...extra,
  };
}

export const verifyDocument: KioskctlCommand = {
  name: 'verify-document',
  summary: `passive authentication of a folder of EF files (${DOCUMENT_FILE_NAMES}) against CSCAs`,
  usage: 'kioskctl verify-document <folder> --csca <dir|csca.json|list.ml> [--at <RFC 3339 time>] [--require-crl] [--json]',
  async run(argv: string[], io: CliIo): Promise<ExitCode> {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { csca: { type: 'string' }, at: { type: 'string' }, 'require-crl': { type: 'boolean' }, json: { type: 'boolean' } },
        strict: true,
      });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('give exactly one document folder');
    if (!values.csca) throw new UsageError('--csca is required');
    const at = values.at ? new Date(values.at) : new Date();
    if (Number.isNaN(at.getTime())) throw new UsageError(`--at: not a time: ${values.at}`);
    const json = values.json === true;
    const folder = positionals[0] as string;

    let trust: CscaStore;
    let doc: Awaited<ReturnType<typeof readDocumentFolder>>;
    try {
      trust = await loadTrust(values.csca);
      doc = await readDocumentFolder(folder);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof TrustStoreError ? error.code : 'unavailable';
      if (json) io.out(JSON.stringify({ result: 'error', error: code, message }));
      else io.err(`kioskctl verify-document: ${message}`);
      return error instanceof Unavailable || (error instanceof TrustStoreError && error.code === 'unreadable') ? ExitCode.unavailable : ExitCode.failed;
    }

    const dg1Bytes = doc.dataGroups.get(1);
    let issuingState = '';
    let dg1Problem: string | undefined;
    if (dg1Bytes) {
      try {
        issuingState = parseDg1(dg1Bytes).issuingState;
      } catch (error) {
        dg1Problem = error instanceof LdsError ? `${error.code}: ${error.message}` : String(error);
      }
    }
    const result = await verifyPassiveAuthentication({
      sod: doc.sod,
      dataGroups: doc.dataGroups,
      trust,
      at,
      issuingState,
      requireCrl: values['require-crl'] === true,
    });
    const reasons = dg1Problem ? ['dg1-malformed', ...result.reasons] : result.reasons;
    const genuine = result.result === 'valid' && !dg1Problem;
    if (json) {
      io.out(JSON.stringify(report(result, { result: genuine ? 'valid' : 'invalid', reasons, at: at.toISOString(), issuing_state: issuingState || null, files: doc.names, trust_anchors: trust.anchors.length })));
    } else {
      io.out(genuine ? `GENUINE: passive authentication valid at ${at.toISOString()}` : `NOT GENUINE: ${reasons.join(', ')}`);
      if (dg1Problem) io.out(`  ✗ dg1: dg1-malformed — ${dg1Problem}`);
      for (const c of result.checks) {
        const mark = c.status === 'passed' ? '✓' : c.status === 'failed' ? '✗' : '·';
        const label = c.dataGroup !== undefined ? `${c.check} DG${c.dataGroup}` : c.check;
        io.out(`  ${mark} ${label}${c.reason ? `: ${c.reason}` : ''} — ${c.detail}`);
      }
      if (result.dsc_sha256) io.out(`  DSC  sha256 ${result.dsc_sha256}`);
      if (result.csca_sha256) io.out(`  CSCA sha256 ${result.csca_sha256}`);
      io.out(`  CRL checked at ${result.crl_checked_at ?? '— (no CRL)'}`);
    }
    return genuine ? ExitCode.ok : ExitCode.notGenuine;
  },
};

export const commands: KioskctlCommand[] = [verifyDocument];
