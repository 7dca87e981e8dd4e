/**
 * Forged and cloned chips are refused with their reason and nothing is submitted: the kiosk reads
 * the chip through the real CCID driver on a pseudo-terminal, verifies it against the authority's
 * CSCA list, and shows why it refused.
 */
import { expect, mrzOf, screen, startAndBind, test, typeMrz } from './citizen-world';

const forgeries = [
  { profile: 'utopia-dg1-tampered', reason: 'tampered', text: "The data on the card's chip does not match its security signature." },
  { profile: 'utopia-unknown-csca', reason: 'untrusted-issuer', text: 'The card was not issued by an authority this terminal trusts.' },
  { profile: 'utopia-aa-clone', reason: 'clone', text: 'The card failed the anti-copy check.' },
] as const;

test.describe('forged chips', () => {
  for (const forgery of forgeries) {
    test(`${forgery.profile} is refused as ${forgery.reason}, nothing submitted`, async ({ world }, testInfo) => {
      const w = await world({ profile: forgery.profile });
      const kiosk = await w.open({ lang: 'en' });
      const page = kiosk.page;
      await startAndBind(page, w.citizen);
      await typeMrz(page, mrzOf(w.reader));
      await expect(screen(page)).toHaveAttribute('data-screen', 'result-failure', { timeout: 30_000 });
      await expect(page.getByTestId('failure-reason')).toHaveAttribute('data-reason', forgery.reason);
      await expect(page.getByTestId('failure-reason')).toHaveText(forgery.text);
      await page.screenshot({ path: testInfo.outputPath(`result-failure-${forgery.reason}-en.png`) });
      // Nothing left the kiosk: no attestation queued, no upgrade at the authority.
      expect(kiosk.outboxStates()).toEqual([]);
      expect(w.authority.authority.store.listUpgrades()).toEqual([]);
    });
  }
});
