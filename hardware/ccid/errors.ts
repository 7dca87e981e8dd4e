import { HardwareError } from '../transport/errors';
import type { ErrorFrameKind } from './serial-framing';

export class CcidTimeoutError extends HardwareError {
  readonly phase: 'ack' | 'response';
  constructor(phase: 'ack' | 'response', timeoutMs: number) {
    super('ccid-timeout', `reader did not ${phase === 'ack' ? 'acknowledge the command' : 'answer'} within ${timeoutMs} ms`);
    this.phase = phase;
  }
}

export class CcidFrameError extends HardwareError {
  readonly frameError: ErrorFrameKind;
  constructor(frameError: ErrorFrameKind, attempts: number) {
    super('ccid-frame-error', `reader reported '${frameError}' error frames ${attempts} times`);
    this.frameError = frameError;
  }
}

/** bStatus said "failed"; `slotError` names bError (CCID 1.1 Table 6.2-2). */
export class CcidCommandError extends HardwareError {
  readonly bError: number;
  readonly slotError: string;
  constructor(bError: number, slotError: string, code = 'ccid-command-failed') {
    super(code, `reader command failed: ${slotError} (bError 0x${bError.toString(16).padStart(2, '0')})`);
    this.bError = bError;
    this.slotError = slotError;
  }
}

export class NoCardError extends HardwareError {
  constructor(message = 'no card in the reader') {
    super('no-card', message);
  }
}

export class CardRemovedError extends HardwareError {
  constructor() {
    super('card-removed', 'the card was removed during the transfer');
  }
}

export class ApduTooLongError extends HardwareError {
  constructor(length: number) {
    super('apdu-too-long', `C-APDU of ${length} bytes exceeds the reader's 261-byte limit`);
  }
}
