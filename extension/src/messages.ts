/**
 * What the content script, the popup and the options page ask the background, and what it answers.
 * One place for the protocol so the three sides cannot drift. Only the background holds the API key
 * and talks to the API; pages never reach it (no `externally_connectable`), and the background
 * answers only senders of this extension.
 */
import type { BadgeStyle, SettingField, Settings, UiLocale } from './settings/settings.ts';

/** CONVENTIONS.md statuses, plus what a badge can say about a hit the status cannot. */
export type BadgeStatus =
  | 'black'
  | 'suspended'
  | 'red'
  | 'expired'
  | 'clean'
  | 'invalid'
  | 'related'
  | 'unknown';
export type MatchKind = 'code' | 'id' | 'name';

/** A run of text ending in a company-form or branch suffix, in which the background looks for a listed name. */
export interface NameRun {
  /** The text as the scanner collected it (may start with words that are not part of the name). */
  text: string;
}

export interface CheckRequest {
  type: 'check';
  /** Cleaned USCCs that passed their checksum (invalid ones never leave the page). */
  codes: string[];
  /** Cleaned resident ID numbers: asked of the API only, never kept. */
  ids: string[];
  names: NameRun[];
}

export interface EntryCard {
  listType: string;
  listTypeName?: string;
  kind: 'black' | 'red';
  status: string;
  reason?: string;
  designator?: string;
  basis?: string;
  decidedOn?: string;
  validFrom?: string;
  validUntil?: string | null;
}

export interface MeasureCard {
  code: string;
  name: string;
  binding?: string;
  effect?: string;
}

/** What a card shows about one subject: everything comes from the API and is rendered as text. */
export interface SubjectCard {
  /** The code, or the masked ID number of a person. */
  displayCode: string;
  displayName?: string;
  subjectType: 'org' | 'person';
  entries: EntryCard[];
  measures: MeasureCard[];
  dataVersion?: number;
  objectionUrl?: string;
}

export interface Hit {
  kind: MatchKind;
  status: BadgeStatus;
  /** True when the API confirmed the local prefix hit (or answered an ID lookup). */
  confirmed: boolean;
  card?: SubjectCard;
}

export interface CodeResult extends Hit {
  kind: 'code' | 'id';
  /** The cleaned code or ID number as sent. */
  key: string;
}

export interface NameResult extends Hit {
  kind: 'name';
  /** Index into the request's `names`. */
  run: number;
  /** Where the listed name sits in the run's text (UTF-16 offsets). */
  start: number;
  end: number;
  /** The normalized name that matched (for a branch: its own name; the parent is in `parent`). */
  name: string;
  parent?: string;
  /** Code of the matched subject when the API named it: a code hit on the page covers the name. */
  code?: string;
}

export interface CheckResponse {
  codes: CodeResult[];
  names: NameResult[];
  /** Answered from the last good snapshot without reaching the API. */
  offline: boolean;
  dataVersion: number | null;
}

export interface PageConfig {
  /** False when the page matches no portal rule: nothing is scanned. */
  enabled: boolean;
  scenario: string | null;
  badgeStyle: BadgeStyle;
  locale: UiLocale;
}

export interface SyncState {
  version: number | null;
  dataVersion: number | null;
  asOf: string | null;
  checksum: string | null;
  /** When the local copy was last proven equal to the server's (ISO instant). */
  syncedAt: string | null;
  lastAttemptAt: string | null;
  lastError: string | null;
  /** True when the last attempt could not reach the API: checks use the copy above. */
  offline: boolean;
  codes: number;
  names: number;
}

export interface DecideRequest {
  type: 'decide';
  subject: { code?: string; name?: string };
  scenario: string;
}

export interface DecideResponse {
  ok: boolean;
  decisionId?: string;
  outcome?: string;
  /** The problem's message when the API refused or could not be reached. */
  error?: string;
}

export interface PageSummary {
  counts: Partial<Record<BadgeStatus, number>>;
  total: number;
  /** One per badge that is not clean, in page order, for jump-to links. */
  items: { index: number; status: BadgeStatus; match: MatchKind; label: string }[];
}

export type Request =
  | { type: 'page-config'; url: string }
  | CheckRequest
  | { type: 'card'; kind: MatchKind; key: string; scenario: string | null }
  | DecideRequest
  | { type: 'sync-state' }
  | { type: 'sync-now' }
  | { type: 'settings' }
  | { type: 'settings-saved' };

/** Sent by the popup to the active tab's content script. */
export type TabRequest = { type: 'page-summary' } | { type: 'jump'; index: number };

export interface SettingsView {
  settings: Settings;
  locked: SettingField[];
  /** Origins the browser has granted host access to. */
  granted: string[];
}

export interface ResponseOf {
  'page-config': PageConfig;
  check: CheckResponse;
  card: SubjectCard | { error: string };
  decide: DecideResponse;
  'sync-state': SyncState;
  'sync-now': SyncState;
  settings: SettingsView;
  'settings-saved': SettingsView;
}
