import { createClient } from '@credcheck/sdk/client';

/**
 * The API in five lines of SDK code, as the README's integrator section shows them (a test runs
 * this function against a real API and checks that the README quotes the lines between the markers).
 */
export async function approveBidder(baseUrl: string, apiKey: string, code: string, reference: string) {
  // five lines: begin
  const cc = createClient({ baseUrl, apiKey, onUnavailable: 'review' });
  const d = await cc.decide({ scenario: 'gov-procurement', subject: { code }, reference });
  if (d.outcome !== 'clear' && d.outcome !== 'favour') return { approved: false, decision: d }; // block, review, unavailable
  const receiptId = d.id; // keep it with the approval record: the proof that the check was made
  await cc.sendFeedback(receiptId, { measures: d.measures.map((m) => ({ code: m.code, applied: true })) });
  // five lines: end
  return { approved: true, receiptId };
}
