/**
 * The configuration as a technician may see it: every key flattened to `section.key = value`,
 * secrets replaced by whether they are set. Thresholds are not configuration: they come from the
 * authority's session policy and are shown read-only beside it.
 */
import type { ConfigurationView } from '../../common/diagnostics-contract';
import type { KioskConfig } from '../config';
import type { DiagnosticsPolicy } from './ports';

const SECRET_KEYS = new Set(['diagnostics.pinHash']);

export function flattenConfig(value: unknown, prefix = ''): Array<{ key: string; value: string }> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flattenConfig(v, prefix ? `${prefix}.${k}` : k));
  }
  if (SECRET_KEYS.has(prefix)) return [{ key: prefix, value: value ? 'set' : 'not set' }];
  return [{ key: prefix, value: JSON.stringify(value) ?? 'undefined' }];
}

export function configurationView(config: KioskConfig, policy: DiagnosticsPolicy | null): ConfigurationView {
  return { entries: flattenConfig(config).sort((a, b) => a.key.localeCompare(b.key)), policy };
}
