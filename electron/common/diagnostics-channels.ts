/**
 * Wire names of the diagnostics channels (schemas in diagnostics-contract.ts). Kept free of zod
 * so that the preload, which spreads them into its channel list, stays tiny.
 */
export const diagnosticsChannels = {
  diagnosticsEnter: 'diagnostics:enter',
  diagnosticsExit: 'diagnostics:exit',
  diagnosticsStatus: 'diagnostics:status',
  diagnosticsDevices: 'diagnostics:devices',
  diagnosticsReaderTest: 'diagnostics:reader-test',
  diagnosticsMrzTest: 'diagnostics:mrz-test',
  diagnosticsAuthority: 'diagnostics:authority',
  diagnosticsEnroll: 'diagnostics:enroll',
  diagnosticsQueues: 'diagnostics:queues',
  diagnosticsRetryOutbox: 'diagnostics:retry-outbox',
  diagnosticsVerifyAudit: 'diagnostics:verify-audit',
  diagnosticsLogs: 'diagnostics:logs',
  diagnosticsExportLogs: 'diagnostics:export-logs',
  diagnosticsConfiguration: 'diagnostics:configuration',
} as const;
export type DiagnosticsChannelName = keyof typeof diagnosticsChannels;
