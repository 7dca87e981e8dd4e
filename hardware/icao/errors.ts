/**
 * Typed errors of the ICAO 9303 chip layer. Every failure a caller can meet carries a stable
 * `code`; callers branch on the code, never on the message.
 */
import { statusWordCode } from '../apdu/status-words';
export type IcaoErrorCode =
  | 'sm-bad-mac'
  | 'sm-malformed'
  | 'sm-plain-status'
  | 'card-status'
  | 'malformed-response'
  | 'bac-failed'
  | 'pace-failed'
  | 'pace-unsupported'
  | 'no-access-protocol'
  | 'access-required'
  | 'security-infos-malformed'
  | 'tlv-malformed'
  | 'chip-authentication-failed'
  | 'chip-authentication-unsupported'
  | 'active-authentication-malformed'
  | 'file-not-found'
  | 'card-removed'
  | 'aborted'
  | 'bad-argument';

export class IcaoError extends Error {
  constructor(
    readonly code: IcaoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A secure-messaging response failed verification or was malformed; the SM session is over. */
export class SecureMessagingError extends IcaoError {}

/**
 * The card answered with an error status word. The APDU layer's `ApduError` says the same for
 * callers of the plain card channel; this one stays in the ICAO family so a reader of a chip
 * branches on one `IcaoError` code set. Both name the status word with the same table.
 */
export class CardStatusError extends IcaoError {
  /** The status word's name from ISO/IEC 7816-4 (e.g. 'security-status-not-satisfied'). */
  readonly status: string;
  constructor(
    readonly sw: number,
    message: string,
  ) {
    const status = statusWordCode(sw >> 8, sw & 0xff);
    super('card-status', `${message}: SW ${sw.toString(16).toUpperCase().padStart(4, '0')} (${status})`);
    this.status = status;
  }
}

/** BAC or PACE failed (wrong key, card refused, bad token). */
export class AccessControlError extends IcaoError {}

/** EF.CardAccess / EF.CardSecurity / DG14 content is not valid SecurityInfos. */
export class SecurityInfosError extends IcaoError {}

export class ChipAuthenticationError extends IcaoError {}
