import { encodeCommandApdu, encodeLe, parseResponseApdu, responseApdu, type CommandApdu, type ResponseApdu } from '../apdu/apdu';
import { aesEncryptBlock, blockSize, cbcDecrypt, cbcEncrypt, mac, pad, unpad, type SmCipherName } from './crypto';
import { bigintToBytes, bytesEqual, concat } from './bytes';
import { SecureMessagingError } from './errors';
import { readTlv, tlv } from './tlv';

export interface SessionKeys {
  cipher: SmCipherName;
  encKey: Uint8Array;
  macKey: Uint8Array;
  /** Initial send sequence counter (ICAO 9303-11 §9.8.6.3). */
  ssc: bigint;
}

/**
 * ICAO 9303-11 §9.8 secure messaging, terminal side. One instance per SM session; it owns the
 * send sequence counter. Any response that fails verification throws SecureMessagingError and
 * poisons the instance: the session is over and every later call throws.
 */
export class SecureMessaging {
  readonly cipher: SmCipherName;
  private readonly encKey: Uint8Array;
  private readonly macKey: Uint8Array;
  private ssc: bigint;
  private broken: SecureMessagingError | undefined;

  constructor(keys: SessionKeys) {
    this.cipher = keys.cipher;
    this.encKey = keys.encKey;
    this.macKey = keys.macKey;
    this.ssc = keys.ssc;
  }

  get sendSequenceCounter(): bigint {
    return this.ssc;
  }

  private get bs(): number {
    return blockSize(this.cipher);
  }

  private nextSsc(): Uint8Array {
    this.ssc = (this.ssc + 1n) % (1n << BigInt(this.bs * 8));
    return bigintToBytes(this.ssc, this.bs);
  }

  private iv(ssc: Uint8Array): Uint8Array {
    // ICAO 9303-11 §9.8.6.2: AES IV = E(KSenc, SSC); 3DES uses a zero IV.
    return this.cipher === '3DES' ? new Uint8Array(8) : aesEncryptBlock(this.encKey, ssc);
  }

  /** Protects a command (ICAO 9303-11 §9.8.4). */
  wrap(c: CommandApdu): Uint8Array {
    if (this.broken) throw this.broken;
    // Checked before the counter moves: a command refused here leaves the session as it was.
    const do97 = c.le === undefined ? undefined : tlv(0x97, encodeLe(c.le, c.le > 256));
    const ssc = this.nextSsc();
    const cla = c.cla | 0x0c;
    const header = Uint8Array.of(cla, c.ins, c.p1, c.p2);
    const parts: Uint8Array[] = [];
    if (c.data && c.data.length > 0) {
      const enc = cbcEncrypt(this.cipher, this.encKey, pad(c.data, this.bs), this.iv(ssc));
      // Odd INS: DO'85 carries the cryptogram without the padding-content indicator.
      parts.push(c.ins & 1 ? tlv(0x85, enc) : tlv(0x87, Uint8Array.of(0x01), enc));
    }
    if (do97) parts.push(do97);
    const dos = concat(...parts);
    const cc = mac(this.cipher, this.macKey, concat(ssc, pad(header, this.bs), dos));
    const body = concat(dos, tlv(0x8e, cc));
    // Short APDUs whenever possible (readers such as CCID-serial carry nothing else); extended
    // only when the protected body or the requested Le cannot be expressed in short form.
    const extended = body.length > 255 || (c.le !== undefined && c.le > 256);
    return encodeCommandApdu({ cla, ins: c.ins, p1: c.p1, p2: c.p2, data: body, le: extended ? 65536 : 256 });
  }

  /** Verifies and decrypts a protected response (ICAO 9303-11 §9.8.5). */
  unwrap(raw: Uint8Array): ResponseApdu {
    if (this.broken) throw this.broken;
    try {
      return this.unwrapChecked(raw);
    } catch (e) {
      this.broken =
        e instanceof SecureMessagingError
          ? e
          : new SecureMessagingError('sm-malformed', 'secure-messaging response malformed', { cause: e });
      throw this.broken;
    }
  }

  private unwrapChecked(raw: Uint8Array): ResponseApdu {
    const ssc = this.nextSsc();
    const { data, sw } = parseResponseApdu(raw);
    if (data.length === 0) {
      // A plain status means the chip dropped SM (ICAO 9303-11 §9.8.6.1: e.g. 6987/6988).
      throw new SecureMessagingError('sm-plain-status', `chip answered without SM, SW ${sw.toString(16).toUpperCase()}`);
    }
    let do87: { full: Uint8Array; value: Uint8Array; odd: boolean } | undefined;
    let do99: Uint8Array | undefined;
    let do8e: Uint8Array | undefined;
    let macEnd = 0;
    let o = 0;
    while (o < data.length) {
      const t = readTlv(data, o);
      switch (t.tag) {
        case 0x85:
        case 0x87:
          if (do87 || do99 || do8e) throw new SecureMessagingError('sm-malformed', 'DO87 out of order');
          do87 = { full: data.subarray(t.start, t.end), value: t.value, odd: t.tag === 0x85 };
          macEnd = t.end;
          break;
        case 0x99:
          if (do99 || do8e) throw new SecureMessagingError('sm-malformed', 'DO99 out of order');
          do99 = t.value;
          macEnd = t.end;
          break;
        case 0x8e:
          if (do8e) throw new SecureMessagingError('sm-malformed', 'two DO8E');
          do8e = t.value;
          if (t.end !== data.length) throw new SecureMessagingError('sm-malformed', 'data after DO8E');
          break;
        default:
          throw new SecureMessagingError('sm-malformed', `unexpected DO ${t.tag.toString(16)}`);
      }
      o = t.end;
    }
    if (!do8e) throw new SecureMessagingError('sm-malformed', 'response without DO8E');
    const expected = mac(this.cipher, this.macKey, concat(ssc, data.subarray(0, macEnd)));
    if (!bytesEqual(expected, do8e)) throw new SecureMessagingError('sm-bad-mac', 'response MAC does not verify');
    if (!do99 || do99.length !== 2) throw new SecureMessagingError('sm-malformed', 'response without DO99');
    const protectedSw = (do99[0]! << 8) | do99[1]!;
    if (protectedSw !== sw) throw new SecureMessagingError('sm-malformed', 'DO99 and SW differ');
    let plain: Uint8Array = new Uint8Array(0);
    if (do87) {
      let cryptogram = do87.value;
      if (!do87.odd) {
        if (cryptogram[0] !== 0x01) throw new SecureMessagingError('sm-malformed', 'unknown padding indicator');
        cryptogram = cryptogram.subarray(1);
      }
      if (cryptogram.length === 0 || cryptogram.length % this.bs !== 0) {
        throw new SecureMessagingError('sm-malformed', 'cryptogram is not block aligned');
      }
      const dec = cbcDecrypt(this.cipher, this.encKey, cryptogram, this.iv(ssc));
      const u = unpad(dec);
      if (!u) throw new SecureMessagingError('sm-malformed', 'bad padding');
      plain = new Uint8Array(u);
    }
    return responseApdu(plain, protectedSw);
  }
}
