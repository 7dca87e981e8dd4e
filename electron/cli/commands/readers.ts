import { parseArgs } from 'node:util';
import { CardChannel } from '../../../hardware/apdu/card-channel';
import { parseResponseApdu } from '../../../hardware/apdu/apdu';
import { statusWordCode } from '../../../hardware/apdu/status-words';
import { decodeWltPhoto } from '../../../hardware/ga467/photo-decoder';
import { mrzKeyFromLines } from '../../../hardware/mrz/mrz-key';
import { parseMrzDocument } from '../../../hardware/mrz/mrz-document';
import { openCardReader, openMrzScanner, openResidentIdReader, type OpenDeviceOptions } from '../../../hardware/readers';
import { HardwareError } from '../../../hardware/transport/errors';
import { listDevices } from '../../../hardware/transport/enumerate';
import { SUPPORTED_BAUD_RATES } from '../../../hardware/transport/serial-transport';
import { ExitCode, UsageError, type CliIo, type KioskctlCommand } from '../command';

const UNAVAILABLE = new Set(['not-found', 'busy', 'permission-denied', 'unplugged', 'hid-unavailable', 'simulator-unavailable', 'open-failed', 'closed']);

function args<T extends Record<string, { type: 'string' | 'boolean' }>>(argv: string[], options: T, positionals = false) {
  try {
    return parseArgs({ args: argv, options: { json: { type: 'boolean' }, ...options }, allowPositionals: positionals, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function required(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new UsageError(`${flag} is required`);
  return value;
}

/** `sim:` URIs are served by fixtures/sim, loaded only when such a URI is used (never in production paths). */
async function deviceOptions(uri: string): Promise<OpenDeviceOptions> {
  if (!uri.startsWith('sim:')) return {};
  const { simulatorFactory } = await import('../../../fixtures/sim/sim-factory');
  return { simulators: simulatorFactory, ccid: { pollIntervalMs: 0 } };
}

function fail(io: CliIo, command: string, error: unknown, json: boolean): ExitCode {
  const code = error instanceof HardwareError ? error.code : 'error';
  const message = error instanceof Error ? error.message : String(error);
  if (json) io.out(JSON.stringify({ ok: false, error: { code, message } }));
  else io.err(`kioskctl ${command}: ${message} [${code}]`);
  if (code === 'reader-uri-invalid') return ExitCode.usage;
  return UNAVAILABLE.has(code) ? ExitCode.unavailable : ExitCode.failed;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();

function parseHexApdu(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2}){4,}$/.test(clean)) throw new UsageError(`'${text}' is not a C-APDU in hex (at least 4 bytes)`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** Shows only the last `keep` characters: technicians confirm a read without copying holder data. */
function mask(value: string, keep = 2): string {
  if (keep <= 0 || value.length <= keep) return '*'.repeat(value.length);
  return '*'.repeat(value.length - keep) + value.slice(-keep);
}

const devices: KioskctlCommand = {
  name: 'devices',
  summary: 'List serial ports and HID devices',
  usage: 'kioskctl devices [--json]',
  async run(argv, io) {
    const { values } = args(argv, {});
    const listing = await listDevices();
    if (values.json) {
      io.out(JSON.stringify(listing));
    } else {
      io.out('serial ports:');
      for (const p of listing.serial) io.out(`  ${p.path}${p.vendorId ? `  ${p.vendorId}:${p.productId}` : ''}${p.manufacturer ? `  ${p.manufacturer}` : ''}`);
      io.out('HID devices:');
      for (const d of listing.hid) {
        const id = `${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`;
        io.out(`  ${id}  ${d.path ?? ''}  ${d.product ?? ''}${d.usagePage === 0xff00 ? '  (vendor page FF00)' : ''}`);
      }
      for (const e of listing.errors) io.err(`  ${e.source}: ${e.message}`);
    }
    return ExitCode.ok;
  },
};

const simulate: KioskctlCommand = {
  name: 'simulate',
  summary: 'Serve a simulated reader (CCID serial/HID, GA 467) until stopped',
  usage:
    'kioskctl simulate --protocol ccid-serial|ccid-hid|ga467 --card <profile> [--baud <rate>] [--paced] [--latency-ms <n>] [--json]',
  async run(argv, io) {
    const { values } = args(argv, {
      protocol: { type: 'string' },
      card: { type: 'string' },
      baud: { type: 'string' },
      paced: { type: 'boolean' },
      'latency-ms': { type: 'string' },
    });
    const protocol = required(values.protocol, '--protocol');
    const baudRate = values.baud === undefined ? 115200 : Number(values.baud);
    if (!(SUPPORTED_BAUD_RATES as readonly number[]).includes(baudRate)) throw new UsageError(`--baud must be one of ${SUPPORTED_BAUD_RATES.join(', ')}`);
    const latency = values['latency-ms'] === undefined ? 0 : Number(values['latency-ms']);
    if (!Number.isFinite(latency) || latency < 0) throw new UsageError('--latency-ms must be a non-negative number');
    const paced = values.paced === true;
    let stop: () => Promise<void>;
    try {
      if (protocol === 'ccid-serial') {
        const [{ CcidSerialSimulator }, { simulatedCard }] = await Promise.all([
          import('../../../fixtures/sim/ccid-serial-device'),
          import('../../../fixtures/sim/sim-factory'),
        ]);
        const card = await simulatedCard(values.card ?? 'test-card');
        const sim = await CcidSerialSimulator.start({ ...(card ? { card } : {}), baudRate, paced, apduLatencyMs: latency });
        io.out(JSON.stringify({ path: sim.hostPath, uri: `ccid-serial:${sim.hostPath}?baud=${baudRate}` }));
        stop = () => sim.close();
      } else if (protocol === 'ga467') {
        const { Ga467SerialSimulator } = await import('../../../fixtures/sim/ga467-device');
        const sim = await Ga467SerialSimulator.start({ card: values.card ?? 'wang-fang', baudRate, paced });
        io.out(JSON.stringify({ path: sim.hostPath, uri: `ga467:${sim.hostPath}?baud=${baudRate}` }));
        stop = () => sim.close();
      } else if (protocol === 'ccid-hid') {
        // A HID device cannot be shared with another process without a kernel uhid device; the
        // report-level simulator lives in process and is reachable through its sim: URI.
        const { simulatedCard } = await import('../../../fixtures/sim/sim-factory');
        await simulatedCard(values.card ?? 'test-card');
        io.out(JSON.stringify({ path: `sim:ccid/${values.card ?? 'test-card'}`, inProcessOnly: true }));
        stop = async () => undefined;
      } else {
        throw new UsageError(`--protocol must be ccid-serial, ccid-hid or ga467`);
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      return fail(io, 'simulate', error, values.json === true);
    }
    if (!values.json) io.err('serving; press Ctrl-C to stop');
    await io.interrupted;
    await stop();
    return ExitCode.ok;
  },
};

const atr: KioskctlCommand = {
  name: 'atr',
  summary: 'Power the card on and show its answer-to-reset',
  usage: 'kioskctl atr --reader <uri> [--json]',
  async run(argv, io) {
    const { values } = args(argv, { reader: { type: 'string' } });
    const uri = required(values.reader, '--reader');
    try {
      const device = await openCardReader(uri, await deviceOptions(uri));
      try {
        const parsed = await device.reader.powerOn();
        const summary = {
          atr: hex(parsed.bytes),
          convention: parsed.convention,
          protocols: parsed.protocols.map((p) => `T=${p}`),
          historicalBytes: hex(parsed.historicalBytes),
          fi: parsed.fi,
          di: parsed.di,
        };
        if (values.json) io.out(JSON.stringify({ ok: true, ...summary }));
        else io.out(`ATR ${summary.atr}\n  ${summary.convention} convention, ${summary.protocols.join(' ')}, historical ${summary.historicalBytes}`);
        return ExitCode.ok;
      } finally {
        await device.close();
      }
    } catch (error) {
      return fail(io, 'atr', error, values.json === true);
    }
  },
};

const apdu: KioskctlCommand = {
  name: 'apdu',
  summary: 'Send C-APDUs (hex) to the card; 61xx/6Cxx are handled',
  usage: 'kioskctl apdu --reader <uri> <hex>... [--json]',
  async run(argv, io) {
    const { values, positionals } = args(argv, { reader: { type: 'string' } }, true);
    const uri = required(values.reader, '--reader');
    if (positionals.length === 0) throw new UsageError('give at least one C-APDU in hex');
    const commands = positionals.map(parseHexApdu);
    try {
      const device = await openCardReader(uri, await deviceOptions(uri));
      try {
        await device.reader.powerOn();
        const channel = new CardChannel(device.reader);
        const results = [];
        for (const command of commands) {
          const response = parseResponseApdu(await channel.transmit(command));
          results.push({
            command: hex(command),
            data: hex(response.data),
            sw: response.sw.toString(16).toUpperCase().padStart(4, '0'),
            status: statusWordCode(response.sw1, response.sw2),
          });
        }
        if (values.json) io.out(JSON.stringify({ ok: true, results }));
        else for (const r of results) io.out(`> ${r.command}\n< ${r.data} ${r.sw} (${r.status})`);
        return results.every((r) => r.sw === '9000') ? ExitCode.ok : ExitCode.failed;
      } finally {
        await device.close();
      }
    } catch (error) {
      return fail(io, 'apdu', error, values.json === true);
    }
  },
};

const mrz: KioskctlCommand = {
  name: 'mrz',
  summary: 'Wait for an MRZ scan and validate it (fields masked unless --reveal)',
  usage: 'kioskctl mrz --scanner <uri> [--timeout-ms <n>] [--reveal] [--json]',
  async run(argv, io) {
    const { values } = args(argv, { scanner: { type: 'string' }, 'timeout-ms': { type: 'string' }, reveal: { type: 'boolean' } });
    const uri = required(values.scanner, '--scanner');
    let interrupted = false;
    void io.interrupted.then(() => {
      interrupted = true;
    });
    const timeoutMs = values['timeout-ms'] === undefined ? 60_000 : Number(values['timeout-ms']);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout-ms must be a positive integer');
    try {
      const device = await openMrzScanner(uri, await deviceOptions(uri));
      const abort = new AbortController();
      void io.interrupted.then(() => abort.abort());
      try {
        const lines = await device.scanner.nextDocument(timeoutMs, abort.signal);
        const document = parseMrzDocument(lines);
        const key = mrzKeyFromLines(lines);
        const show = (v: string) => (values.reveal ? v : mask(v));
        const summary = {
          format: document.format,
          checkDigits: 'valid',
          warnings: document.warnings,
          documentNumber: show(key.documentNumber),
          dateOfBirth: show(key.dateOfBirth),
          dateOfExpiry: show(key.dateOfExpiry),
        };
        if (values.json) io.out(JSON.stringify({ ok: true, ...summary }));
        else io.out(`${summary.format}: check digits valid; document ${summary.documentNumber}, born ${summary.dateOfBirth}, expires ${summary.dateOfExpiry}${summary.warnings.length ? `\n  warnings: ${summary.warnings.join('; ')}` : ''}`);
        return ExitCode.ok;
      } finally {
        await device.close();
      }
    } catch (error) {
      if (interrupted) return ExitCode.interrupted;
      return fail(io, 'mrz', error, values.json === true);
    }
  },
};

const cnidRead: KioskctlCommand = {
  name: 'cnid read',
  summary: 'Read a China resident ID card through a GA 467 reader (fields masked unless --reveal)',
  usage: 'kioskctl cnid read --reader <uri> [--decoder <program>] [--reveal] [--json]',
  async run(argv, io) {
    const { values } = args(argv, { reader: { type: 'string' }, decoder: { type: 'string' }, reveal: { type: 'boolean' } });
    const uri = required(values.reader, '--reader');
    try {
      const options = await deviceOptions(uri);
      const decoder = values.decoder ?? process.env.KIOSK_WLT_DECODER;
      if (decoder) options.ga467 = { photoDecoder: { command: decoder } };
      const device = await openResidentIdReader(uri, options);
      try {
        const card = await device.reader.readCard();
        let photo: Record<string, unknown>;
        try {
          const portrait = await device.reader.portrait(card.wlt);
          photo = { decoded: true, format: portrait.format, bytes: portrait.bytes.length };
        } catch (error) {
          photo = { decoded: false, code: error instanceof HardwareError ? error.code : 'error', message: error instanceof Error ? error.message : String(error) };
        }
        const t = card.text;
        const show = (v: string) => (values.reveal ? v : mask(v, 0));
        const summary = {
          name: show(t.name),
          sex: t.sex.label,
          ethnicity: values.reveal ? t.ethnicity : { code: '**' },
          birthDate: show(t.birthDate),
          address: show(t.address),
          idNumber: values.reveal ? t.idNumber : mask(t.idNumber, 2),
          idNumberCheck: 'valid',
          issuingAuthority: show(t.issuingAuthority),
          validFrom: t.validFrom,
          validTo: t.validTo,
          photo,
        };
        if (values.json) io.out(JSON.stringify({ ok: true, ...summary }));
        else {
          io.out(`ID ${summary.idNumber} (check character valid), valid ${summary.validFrom} → ${summary.validTo}`);
          io.out(`photo: ${photo.decoded ? `${String(photo.format)} ${String(photo.bytes)} bytes` : `not decoded (${String(photo.code)})`}`);
        }
        return ExitCode.ok;
      } finally {
        await device.close();
      }
    } catch (error) {
      return fail(io, 'cnid read', error, values.json === true);
    }
  },
};

export const commands: KioskctlCommand[] = [devices, simulate, atr, apdu, mrz, cnidRead];
