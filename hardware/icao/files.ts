/** eMRTD file names and identifiers (ICAO 9303-10 §4.6, §4.7). */
export type ChipFileName =
  | 'CardAccess'
  | 'CardSecurity'
  | 'COM'
  | 'SOD'
  | 'DG1' | 'DG2' | 'DG3' | 'DG4' | 'DG5' | 'DG6' | 'DG7' | 'DG8'
  | 'DG9' | 'DG10' | 'DG11' | 'DG12' | 'DG13' | 'DG14' | 'DG15' | 'DG16';

export interface ChipFileId {
  fid: number;
  sfi: number;
  /** true for EF.CardAccess / EF.CardSecurity (master file); false for the eMRTD application. */
  masterFile: boolean;
}

export function chipFileId(name: ChipFileName): ChipFileId {
  switch (name) {
    case 'CardAccess':
      return { fid: 0x011c, sfi: 0x1c, masterFile: true };
    case 'CardSecurity':
      return { fid: 0x011d, sfi: 0x1d, masterFile: true };
    case 'COM':
      return { fid: 0x011e, sfi: 0x1e, masterFile: false };
    case 'SOD':
      return { fid: 0x011d, sfi: 0x1d, masterFile: false };
    default: {
      const n = Number(name.slice(2));
      return { fid: 0x0100 + n, sfi: n, masterFile: false };
    }
  }
}

/** The eMRTD LDS1 application identifier. */
export const EMRTD_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01);

/** Data groups listed in EF.COM's tag list (5C), by their LDS tags (ICAO 9303-10 §4.6.1 table 34). */
const DG_TAGS: Record<number, ChipFileName> = {
  0x61: 'DG1', 0x75: 'DG2', 0x63: 'DG3', 0x76: 'DG4', 0x65: 'DG5', 0x66: 'DG6', 0x67: 'DG7', 0x68: 'DG8',
  0x69: 'DG9', 0x6a: 'DG10', 0x6b: 'DG11', 0x6c: 'DG12', 0x6d: 'DG13', 0x6e: 'DG14', 0x6f: 'DG15', 0x70: 'DG16',
};

export function dataGroupForTag(tag: number): ChipFileName | undefined {
  return DG_TAGS[tag];
}
