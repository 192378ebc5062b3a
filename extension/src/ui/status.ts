/**
 * How the extension's pages name a badge status: an icon and words besides the colour, so that
 * colour is never the only signal.
 */
import type { BadgeStatus } from '../messages.ts';
import type { MessageKey } from './i18n.ts';

export const STATUS_ICON: Record<BadgeStatus, string> = {
  black: '⛔',
  suspended: '⏸',
  red: '★',
  expired: '⌛',
  related: '↳',
  invalid: '⚠',
  unknown: '?',
  clean: '✓',
};

export const STATUS_LABEL: Record<BadgeStatus, MessageKey> = {
  black: 'statusBlack',
  suspended: 'statusSuspended',
  red: 'statusRed',
  expired: 'statusExpired',
  related: 'statusRelated',
  invalid: 'statusInvalid',
  unknown: 'statusUnknown',
  clean: 'statusClean',
};

/** The statuses a page summary always lists, most serious first. */
export const SUMMARY_STATUSES: readonly BadgeStatus[] = [
  'black',
  'suspended',
  'red',
  'expired',
  'related',
  'invalid',
];
