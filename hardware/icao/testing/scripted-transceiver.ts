import type { ApduTransceiver } from '../../apdu/transceiver';
import { fromHex, toHex } from '../bytes';

/** Test double: asserts each C-APDU equals the script's and returns the scripted R-APDU. */
export class ScriptedTransceiver implements ApduTransceiver {
  private next = 0;
  constructor(private readonly script: Array<[command: string, response: string]>) {}

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const step = this.script[this.next++];
    if (!step) throw new Error(`unexpected C-APDU ${toHex(command)}`);
    const expected = step[0].replace(/\s+/g, '').toUpperCase();
    if (toHex(command) !== expected) {
      throw new Error(`C-APDU #${this.next}: sent ${toHex(command)}, script expects ${expected}`);
    }
    return fromHex(step[1]);
  }

  get done(): boolean {
    return this.next === this.script.length;
  }
}

/** Injected randomness: hands out the given byte strings in order. */
export function scriptedRandom(...chunks: string[]): (n: number) => Uint8Array {
  let i = 0;
  return (n) => {
    const c = chunks[i++];
    if (c === undefined) throw new Error('scripted randomness exhausted');
    const b = fromHex(c);
    if (b.length !== n) throw new Error(`scripted randomness: asked ${n} bytes, have ${b.length}`);
    return b;
  };
}
