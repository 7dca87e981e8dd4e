import { describe, expect, it } from 'vitest';
import { toHex } from './bytes';
import { ChipChannel } from './channel';
import { MemoryFragmentCache, readFile } from './file-reader';
import { ScriptedTransceiver } from './testing/scripted-transceiver';

describe('readFile (plain channel)', () => {
  it('reads by SFI and honours 6Cxx (retry with the right Le)', async () => {
    const card = new ScriptedTransceiver([
      ['00B09E0000', '6C06'],
      ['00B09E0006', '600A5F0104309000'],
      ['00B0000606', '3130375C01619000'],
    ]);
    const data = await readFile(new ChipChannel(card), 'COM');
    expect(toHex(data)).toBe('600A5F01043031303' + '75C0161');
    expect(card.done).toBe(true);
  });

  it('accepts 6282 (end of file reached before Le bytes) with the data it carries', async () => {
    const card = new ScriptedTransceiver([['00B0810000', '6104AABBCCDD6282']]);
    expect(toHex(await readFile(new ChipChannel(card), 'DG1'))).toBe('6104AABBCCDD');
    expect(card.done).toBe(true);
  });

  it('resumes from the fragment cache: SELECT by FID, then READ BINARY at the cached offset', async () => {
    const cache = new MemoryFragmentCache();
    cache.set('doc', 'DG1', Uint8Array.of(0x61, 0x04, 0xaa));
    const card = new ScriptedTransceiver([
      ['00A4020C020101', '9000'],
      ['00B0000303', 'BBCCDD9000'],
    ]);
    const data = await readFile(new ChipChannel(card), 'DG1', { cache, document: 'doc' });
    expect(toHex(data)).toBe('6104AABBCCDD');
    expect(toHex(cache.get('doc', 'DG1')!)).toBe('6104AABBCCDD');
    expect(card.done).toBe(true);
  });

  it('a missing file is a typed file-not-found error', async () => {
    const card = new ScriptedTransceiver([['00B08F0000', '6A82']]);
    await expect(readFile(new ChipChannel(card), 'DG15')).rejects.toMatchObject({ code: 'file-not-found' });
  });
});
