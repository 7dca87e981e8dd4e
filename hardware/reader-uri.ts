import { HardwareError } from './transport/errors';
import type { HidAddress } from './transport/hid-transport';
import { SUPPORTED_BAUD_RATES } from './transport/serial-transport';

export class ReaderUriError extends HardwareError {
  constructor(uri: string, reason: string) {
    super('reader-uri-invalid', `invalid device URI '${uri}': ${reason}`);
  }
}

/** Where a device is and how it speaks; see docs/HARDWARE.md. */
export type ReaderUri =
  | { kind: 'ccid-serial'; path: string; baudRate: number }
  | { kind: 'ccid-hid'; address: HidAddress }
  | { kind: 'ga467'; path: string; baudRate: number }
  | { kind: 'ga467-hid'; address: HidAddress }
  | { kind: 'mrz-serial'; path: string; baudRate: number }
  | { kind: 'mrz-hid'; address: HidAddress }
  | { kind: 'sim'; profile: string };

export type ReaderUriKind = ReaderUri['kind'];

const DEFAULT_BAUD: Record<string, number> = { 'ccid-serial': 115200, ga467: 115200, 'mrz-serial': 9600 };
const SERIAL_KINDS = new Set(['ccid-serial', 'ga467', 'mrz-serial']);
const HID_KINDS = new Set(['ccid-hid', 'ga467-hid', 'mrz-hid']);

/**
 * `ccid-serial:/dev/ttyUSB0?baud=115200`, `ccid-hid:/dev/hidraw3` or `ccid-hid:072f:90cc`,
 * `ga467:/dev/ttyS0?baud=115200`, `ga467-hid:<path|vid:pid>`, `mrz-serial:/dev/ttyACM0?baud=9600`,
 * `mrz-hid:<path|vid:pid>`, `sim:<profile>`.
 */
export function parseReaderUri(uri: string): ReaderUri {
  const colon = uri.indexOf(':');
  if (colon <= 0) throw new ReaderUriError(uri, 'expected <scheme>:<device>');
  const kind = uri.slice(0, colon);
  const rest = uri.slice(colon + 1);
  const query = rest.indexOf('?');
  const target = query < 0 ? rest : rest.slice(0, query);
  const params = new URLSearchParams(query < 0 ? '' : rest.slice(query + 1));
  if (target.length === 0) throw new ReaderUriError(uri, 'missing device');

  if (kind === 'sim') {
    if (query >= 0) throw new ReaderUriError(uri, 'sim: takes no parameters');
    if (!/^[a-z0-9][a-z0-9/_.-]*$/i.test(target)) throw new ReaderUriError(uri, 'profile must be letters, digits, -, _, . or /');
    return { kind: 'sim', profile: target };
  }
  if (SERIAL_KINDS.has(kind)) {
    for (const key of params.keys()) if (key !== 'baud') throw new ReaderUriError(uri, `unknown parameter '${key}'`);
    const baudText = params.get('baud');
    const baudRate = baudText === null ? (DEFAULT_BAUD[kind] ?? 115200) : Number(baudText);
    if (!(SUPPORTED_BAUD_RATES as readonly number[]).includes(baudRate)) {
      throw new ReaderUriError(uri, `baud must be one of ${SUPPORTED_BAUD_RATES.join(', ')}`);
    }
    return { kind: kind as 'ccid-serial' | 'ga467' | 'mrz-serial', path: target, baudRate };
  }
  if (HID_KINDS.has(kind)) {
    if (query >= 0) throw new ReaderUriError(uri, `${kind}: takes no parameters`);
    return { kind: kind as 'ccid-hid' | 'ga467-hid' | 'mrz-hid', address: parseHidTarget(uri, target) };
  }
  throw new ReaderUriError(uri, `unknown scheme '${kind}'`);
}

function parseHidTarget(uri: string, target: string): HidAddress {
  const vidPid = /^([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(target);
  if (vidPid) return { vendorId: parseInt(vidPid[1] ?? '', 16), productId: parseInt(vidPid[2] ?? '', 16) };
  // Device paths are absolute (hidraw) or platform-specific opaque strings (macOS IOService, Windows \\?\HID#…).
  if (/^[0-9a-f]{1,4}:[0-9a-f]{1,4}$/i.test(target)) throw new ReaderUriError(uri, 'vid:pid must be 4 hex digits each');
  return { path: target };
}

export function formatReaderUri(uri: ReaderUri): string {
  switch (uri.kind) {
    case 'sim':
      return `sim:${uri.profile}`;
    case 'ccid-serial':
    case 'ga467':
    case 'mrz-serial':
      return `${uri.kind}:${uri.path}?baud=${uri.baudRate}`;
    default: {
      const a = uri.address;
      const hex = (n: number) => n.toString(16).padStart(4, '0');
      return `${uri.kind}:${'path' in a ? a.path : `${hex(a.vendorId)}:${hex(a.productId)}`}`;
    }
  }
}
