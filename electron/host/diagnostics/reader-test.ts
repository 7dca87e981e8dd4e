/**
 * The technician's reader test: open the configured reader, see whether a card is there, power
 * it (ATR), and send two harmless commands whose answers hold nothing personal: SELECT of the
 * eMRTD application without FCI, and GET CHALLENGE (8 random bytes). Every APDU and answer goes
 * to a hex trace. Nothing is read from any data group, so a citizen's card left on the reader
 * reveals nothing here.
 */
import { encodeCommandApdu, parseResponseApdu } from '../../../hardware/apdu/apdu';
import { statusWordCode } from '../../../hardware/apdu/status-words';
import { parseAtr } from '../../../hardware/atr/atr';
import type { ReaderTestResult, TraceLine } from '../../common/diagnostics-contract';
import type { OpenedCardReader } from './ports';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1 ');

/** ICAO 9303-10 §3.6.2: the eMRTD application AID; P2 0C = no response data (ISO/IEC 7816-4 §11.2.2). */
const SELECT_EMRTD = encodeCommandApdu({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: Uint8Array.from([0xa0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]) });
/** ISO/IEC 7816-4 §11.6.3 GET CHALLENGE, 8 bytes. */
const GET_CHALLENGE = encodeCommandApdu({ cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, le: 8 });

/** ISO/IEC 7816-4 §5.6 status word, in words for the technician (the APDU layer's code, with its count where it has one). */
export function statusWordMeaning(sw: number): string {
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw1 === 0x61) return `${sw2} more bytes available`;
  if (sw1 === 0x6c) return `wrong Le, ${sw2} expected`;
  const code = statusWordCode(sw1, sw2);
  return code === 'ok' ? 'success' : code.startsWith('sw-') ? 'unrecognised status' : code.replace(/-/g, ' ');
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} did not answer within ${ms} ms`), { code: 'timeout' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function errorOf(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown })?.code;
  return { code: typeof code === 'string' ? code : 'reader-error', message: error instanceof Error ? error.message : String(error) };
}

export async function runReaderTest(
  openReader: () => Promise<OpenedCardReader>,
  options: { now?: () => number; stepTimeoutMs?: number; onTrace?: (line: TraceLine) => void } = {},
): Promise<ReaderTestResult> {
  const now = options.now ?? Date.now;
  const stepTimeoutMs = options.stepTimeoutMs ?? 5000;
  const started = now();
  const trace: TraceLine[] = [];
  const log = (direction: TraceLine['direction'], label: string, bytes?: Uint8Array) => {
    const line: TraceLine = { t: now() - started, direction, label, hex: bytes ? hex(bytes) : '' };
    trace.push(line);
    options.onTrace?.(line);
  };
  const result: ReaderTestResult = { connected: false, cardPresent: null, atr: null, testRead: [], trace, error: null, durationMs: 0 };

  let opened: OpenedCardReader | undefined;
  let powered = false;
  try {
    opened = await withTimeout(openReader(), stepTimeoutMs, 'the reader');
    const { reader } = opened;
    result.connected = true;
    log('note', 'reader connected');
    result.cardPresent = await withTimeout(reader.cardPresent(), stepTimeoutMs, 'the reader');
    log('note', result.cardPresent ? 'card present' : 'no card on the reader');
    if (result.cardPresent) {
      const atr = await withTimeout(reader.powerOn(), stepTimeoutMs, 'the card');
      powered = true;
      log('response', 'ATR', atr.bytes);
      const parsed = parseAtr(atr.bytes);
      result.atr = { hex: hex(atr.bytes), protocols: parsed.protocols, convention: parsed.convention, historicalBytes: hex(parsed.historicalBytes) };
      for (const [name, command] of [['SELECT eMRTD application', SELECT_EMRTD], ['GET CHALLENGE', GET_CHALLENGE]] as const) {
        log('command', name, command);
        const response = await withTimeout(reader.transmit(command), stepTimeoutMs, 'the card');
        log('response', name, response);
        if (response.length < 2) {
          result.testRead.push({ command: name, sw: '----', meaning: 'no status word' });
          continue;
        }
        const { sw } = parseResponseApdu(response);
        result.testRead.push({ command: name, sw: sw.toString(16).toUpperCase().padStart(4, '0'), meaning: statusWordMeaning(sw) });
      }
    }
  } catch (error) {
    result.error = errorOf(error);
    log('note', `error: ${result.error.code}`);
  } finally {
    if (opened) {
      if (powered) await withTimeout(opened.reader.powerOff(), stepTimeoutMs, 'the card').catch(() => undefined);
      await withTimeout(opened.close(), stepTimeoutMs, 'the reader').catch(() => undefined);
    }
    result.durationMs = now() - started;
  }
  return result;
}
