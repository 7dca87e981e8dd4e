import {
  activeAuthenticationUnavailable,
  createDocumentCheck,
  type DocumentCheck,
  passiveAuthenticationUnavailable,
} from './document-check';

/**
 * The step-5 check with the project's hardware/icao verification modules plugged in. Until those
 * modules land, ICAO documents fail closed (document-invalid); cn-resident-id is checked fully here.
 */
export async function documentCheckFromHardware(): Promise<DocumentCheck> {
  return createDocumentCheck({
    passiveAuthentication: passiveAuthenticationUnavailable,
    activeAuthentication: activeAuthenticationUnavailable,
  });
}
