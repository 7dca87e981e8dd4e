import { HardwareError } from '../transport/errors';

/** USB CCID 1.1 §6: message types used by the kiosk's readers (reader wire protocol §1). */
export const MessageType = {
  iccPowerOn: 0x62,
  iccPowerOff: 0x63,
  getSlotStatus: 0x65,
  xfrBlock: 0x6f,
  escape: 0x6b,
  dataBlock: 0x80,
  slotStatus: 0x81,
  escapeResponse: 0x83,
  notifySlotChange: 0x50,
} as const;

export const HEADER_LENGTH = 10;
/** Reader wire protocol §1: short APDUs only. */
export const MAX_DATA_LENGTH = 0x105;

export const COMMAND_TYPES: ReadonlySet<number> = new Set([0x62, 0x63, 0x65, 0x6f, 0x6b]);
export const RESPONSE_TYPES: ReadonlySet<number> = new Set([0x80, 0x81, 0x83]);

export interface CcidMessage {
  type: number;
  slot: number;
  seq: number;
  /** Bytes 7..9, message specific (bStatus, bError, bChainParameter for responses). */
  params: [number, number, number];
  data: Uint8Array;
}

export class CcidMessageError extends HardwareError {
  constructor(message: string) {
    super('ccid-message-invalid', message);
  }
}

export function encodeMessage(message: CcidMessage): Uint8Array {
  if (message.data.length > MAX_DATA_LENGTH) {
    throw new CcidMessageError(`data too long: ${message.data.length} > ${MAX_DATA_LENGTH}`);
  }
  const bytes = new Uint8Array(HEADER_LENGTH + message.data.length);
  bytes[0] = message.type;
  new DataView(bytes.buffer).setUint32(1, message.data.length, true);
  bytes[5] = message.slot;
  bytes[6] = message.seq & 0xff;
  bytes.set(message.params, 7);
  bytes.set(message.data, HEADER_LENGTH);
  return bytes;
}

export function decodeMessage(bytes: Uint8Array): CcidMessage {
  if (bytes.length < HEADER_LENGTH) throw new CcidMessageError(`message shorter than its header (${bytes.length})`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, true);
  if (length !== bytes.length - HEADER_LENGTH) {
    throw new CcidMessageError(`dwLength ${length} but ${bytes.length - HEADER_LENGTH} data bytes`);
  }
  return {
    type: bytes[0] ?? 0,
    slot: bytes[5] ?? 0,
    seq: bytes[6] ?? 0,
    params: [bytes[7] ?? 0, bytes[8] ?? 0, bytes[9] ?? 0],
    data: bytes.slice(HEADER_LENGTH),
  };
}

/** bStatus bits 0..1 (CCID 1.1 §6.2.6). */
export type IccStatus = 'active' | 'inactive' | 'absent';
/** bStatus bits 6..7. */
export type CommandStatus = 'ok' | 'failed' | 'time-extension';

export function iccStatus(bStatus: number): IccStatus {
  const bits = bStatus & 0x03;
  return bits === 0 ? 'active' : bits === 1 ? 'inactive' : 'absent';
}

export function commandStatus(bStatus: number): CommandStatus {
  const bits = (bStatus >> 6) & 0x03;
  return bits === 0 ? 'ok' : bits === 2 ? 'time-extension' : 'failed';
}

/** CCID 1.1 Table 6.2-2 slot error codes, by name. */
export const SlotError: Record<number, string> = {
  0xff: 'command-aborted',
  0xfe: 'icc-mute',
  0xfd: 'transfer-parity-error',
  0xfc: 'transfer-overrun',
  0xfb: 'hardware-error',
  0xf8: 'bad-atr-ts',
  0xf7: 'bad-atr-tck',
  0xf6: 'icc-protocol-not-supported',
  0xf5: 'icc-class-not-supported',
  0xf4: 'procedure-byte-conflict',
  0xf3: 'deactivated-protocol',
  0xf2: 'busy-with-auto-sequence',
  0xe0: 'command-slot-busy',
  0x00: 'command-not-supported',
};

export function slotErrorName(bError: number): string {
  return SlotError[bError] ?? (bError < 0x80 ? `bad-parameter-at-offset-${bError}` : `error-0x${bError.toString(16)}`);
}
