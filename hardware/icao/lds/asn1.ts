import * as asn1js from 'asn1js';
import { LdsError } from './lds-error';

/** A decoded ASN.1 node (asn1js), navigated by tag rather than by class identity. */
export type Asn1Node = asn1js.AsnType;

const UNIVERSAL = 1;
const CONTEXT = 3;

export function parseBer(bytes: Uint8Array, what: string): Asn1Node {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(bytes);
  } catch (error) {
    throw new LdsError('asn1-invalid', `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed.offset === -1 || parsed.result.error) {
    throw new LdsError('asn1-invalid', `${what}: not valid BER (${parsed.result.error || 'parse error'})`);
  }
  checkLengths(parsed.result, what, 0);
  return parsed.result;
}

/**
 * asn1js tolerates a constructed value whose children overrun or underfill its declared length;
 * such an encoding is refused here, so every byte belongs to exactly one element.
 */
function checkLengths(node: Asn1Node, what: string, depth: number): void {
  if (depth > 64) throw new LdsError('asn1-invalid', `${what}: nested too deeply`);
  const block = node as asn1js.BaseBlock & { lenBlock: { isIndefiniteForm: boolean; length: number }; valueBlock: { value?: unknown } };
  const children = block.valueBlock.value;
  if (!block.idBlock.isConstructed || !Array.isArray(children)) return;
  let sum = 0;
  for (const child of children as Asn1Node[]) {
    checkLengths(child, what, depth + 1);
    sum += (child as asn1js.BaseBlock).valueBeforeDecodeView.length;
  }
  if (!block.lenBlock.isIndefiniteForm && sum !== block.lenBlock.length) {
    throw new LdsError('asn1-invalid', `${what}: element content is ${sum} bytes, its length says ${block.lenBlock.length}`);
  }
}

function idOf(node: Asn1Node): { tagClass: number; tagNumber: number; constructed: boolean } {
  const id = (node as asn1js.BaseBlock).idBlock;
  return { tagClass: id.tagClass, tagNumber: id.tagNumber, constructed: id.isConstructed };
}

export function isUniversal(node: Asn1Node | undefined, tagNumber: number): boolean {
  if (!node) return false;
  const id = idOf(node);
  return id.tagClass === UNIVERSAL && id.tagNumber === tagNumber;
}

export function isContext(node: Asn1Node | undefined, tagNumber: number): boolean {
  if (!node) return false;
  const id = idOf(node);
  return id.tagClass === CONTEXT && id.tagNumber === tagNumber;
}

export const TAG = { integer: 2, bitString: 3, octetString: 4, null: 5, oid: 6, sequence: 16, set: 17, printableString: 19, utcTime: 23, generalizedTime: 24 } as const;

/** The children of a constructed node, checking its universal tag when given. */
export function childrenOf(node: Asn1Node | undefined, what: string, universalTag?: number): Asn1Node[] {
  if (!node) throw new LdsError('missing-element', `${what}: missing`);
  if (universalTag !== undefined && !isUniversal(node, universalTag)) {
    throw new LdsError('asn1-invalid', `${what}: expected universal tag ${universalTag}`);
  }
  const value = (node as asn1js.Constructed).valueBlock?.value;
  if (!idOf(node).constructed || !Array.isArray(value)) throw new LdsError('asn1-invalid', `${what}: not constructed`);
  return value as Asn1Node[];
}

/** The exact bytes the node was decoded from (tag, length and value). */
export function rawBytes(node: Asn1Node): Uint8Array {
  return new Uint8Array((node as asn1js.BaseBlock).valueBeforeDecodeView);
}

export function oidOf(node: Asn1Node | undefined, what: string): string {
  if (!isUniversal(node, TAG.oid)) throw new LdsError('asn1-invalid', `${what}: expected an OBJECT IDENTIFIER`);
  return (node as asn1js.ObjectIdentifier).valueBlock.toString();
}

export function smallIntegerOf(node: Asn1Node | undefined, what: string): number {
  if (!isUniversal(node, TAG.integer)) throw new LdsError('asn1-invalid', `${what}: expected an INTEGER`);
  const n = (node as asn1js.Integer).valueBlock.valueDec;
  if (!Number.isSafeInteger(n)) throw new LdsError('asn1-invalid', `${what}: integer out of range`);
  return n;
}

export function integerBytesOf(node: Asn1Node | undefined, what: string): Uint8Array {
  if (!isUniversal(node, TAG.integer)) throw new LdsError('asn1-invalid', `${what}: expected an INTEGER`);
  return new Uint8Array((node as asn1js.Integer).valueBlock.valueHexView);
}

/** OCTET STRING contents; a constructed (BER) one is the concatenation of its segments. */
export function octetsOf(node: Asn1Node | undefined, what: string): Uint8Array {
  if (!isUniversal(node, TAG.octetString)) throw new LdsError('asn1-invalid', `${what}: expected an OCTET STRING`);
  const o = node as asn1js.OctetString;
  if (o.idBlock.isConstructed) {
    const parts = (o.valueBlock.value as Asn1Node[]).map((p) => octetsOf(p, what));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
  return new Uint8Array(o.valueBlock.valueHexView);
}

/** The inner node of an EXPLICIT context tag [n]. */
export function explicitInner(node: Asn1Node | undefined, tagNumber: number, what: string): Asn1Node {
  if (!isContext(node, tagNumber)) throw new LdsError('asn1-invalid', `${what}: expected [${tagNumber}]`);
  const inner = childrenOf(node, what)[0];
  if (!inner) throw new LdsError('missing-element', `${what}: empty [${tagNumber}]`);
  return inner;
}

/** AlgorithmIdentifier: the OID and the DER of the parameters, if any. */
export function algorithmOf(node: Asn1Node | undefined, what: string): { oid: string; params?: Uint8Array; paramsNode?: Asn1Node } {
  const [oidNode, params] = childrenOf(node, what, TAG.sequence);
  const oid = oidOf(oidNode, what);
  return params && !isUniversal(params, TAG.null) ? { oid, params: rawBytes(params), paramsNode: params } : { oid };
}

export function algorithmIdentifier(oid: string, withNullParams = false): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: oid }), ...(withNullParams ? [new asn1js.Null()] : [])],
  });
}

export function toBytes(node: { toBER(): ArrayBuffer }): Uint8Array {
  return new Uint8Array(node.toBER());
}
