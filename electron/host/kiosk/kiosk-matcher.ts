/**
 * The face matcher this kiosk runs, as the authority's policy names it (authority-protocol.md §1
 * `matchers`). The manifest is data shipped with the renderer's face pipeline; the host reads
 * only its identity, never the model.
 */
import manifest from '../../../renderer/face/matchers/faceplugin-fr-112.json' with { type: 'json' };
import type { MatcherIdentity } from '../session/decisions';

/** hex SHA-256 → b64u, as the protocol carries it. */
const b64uOfHex = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

export function kioskMatcher(): MatcherIdentity {
  return { name: manifest.name, version: manifest.version, model_sha256: b64uOfHex(manifest.model_sha256) };
}
