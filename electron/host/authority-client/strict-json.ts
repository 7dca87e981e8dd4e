/**
 * JSON.parse that also refuses duplicate member names (the protocol's rule for every signed
 * header and payload: RFC 7515 §4 lets a parser keep either duplicate, so a verifier and a reader
 * could see different values).
 */
export class StrictJsonError extends Error {
  override readonly name = 'StrictJsonError';
  readonly code = 'strict-json';
}

export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StrictJsonError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  assertNoDuplicateMembers(text);
  return value;
}

/** Scans syntactically valid JSON text; each open object keeps the set of member names seen. */
function assertNoDuplicateMembers(text: string): void {
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      stack.push(null);
      expectKey = false;
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = stack.at(-1) instanceof Set;
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectKey) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        const seen = stack.at(-1);
        if (seen) {
          if (seen.has(name)) throw new StrictJsonError(`duplicate member name "${name}"`);
          seen.add(name);
        }
        expectKey = false;
      }
      i = end;
    }
  }
}
