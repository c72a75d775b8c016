// The public declarations import these dependencies, which ship no types of their own, and Node's
// types. Kept in the emitted index.d.ts, the references lead a consumer's tsc to lib/types/ (which
// the package carries) and to @types/node.
/// <reference path="./types/autobase.d.cts" preserve="true" />
/// <reference path="./types/corestore.d.cts" preserve="true" />
/// <reference path="./types/hyperbee.d.cts" preserve="true" />
/// <reference path="./types/hypercore.d.cts" preserve="true" />
/// <reference path="./types/hypercore-internals.d.cts" preserve="true" />
/// <reference path="./types/hyperdht.d.cts" preserve="true" />
/// <reference path="./types/hyperswarm.d.cts" preserve="true" />
/// <reference types="node" preserve="true" />

export { LedgerNode } from './node/node.js'
export { DEFAULT_ACK_INTERVAL_MS } from './node/options.js'
export { newEncryptionKey } from './node/encryption.js'
export { DEFAULT_MAX_PENDING, BUSY_WAIT_MS } from './node/backlog.js'
export type {
  LedgerNodeOptions,
  LedgerNodeEvents,
  Receipt,
  SubmitOptions,
  TransactionOptions,
  WaitForTransactionOptions
} from './node/options.js'
export type { Status, Peers, NodeMode } from './node/status.js'
export { DEFAULT_INVITE_TTL_MS, DEFAULT_JOIN_TIMEOUT_MS } from './node/invites.js'
export type { CreateInviteOptions, CreatedInvite } from './node/invites.js'
export type { InviteUse } from './node/invite-desk.js'
export { STALLED_AFTER_MS, HEALTH_CHECK_INTERVAL_MS } from './node/health/monitor.js'
export type {
  Alarms,
  AlarmName,
  AlarmEvent,
  DivergedAlarm,
  StalledAlarm
} from './node/health/monitor.js'
export type { FailedCheck, CheckName } from './node/readiness.js'
export { LedgerError, ApiError, ERRORS, ERROR_CODES, httpStatusOf, exitStatusOf } from './errors.js'
export type { ErrorCode, OperationalCode } from './errors.js'
export { REJECT_REASONS } from './ledger/outcome.js'
export type { RejectReason, EntryReason } from './ledger/outcome.js'
export type { LedgerKey, WriterKey, SwarmKey, TxId, InviteId } from './ledger/ids.js'
export type {
  Entry,
  Page,
  RangeOptions,
  HistoryOptions,
  Head,
  RecordResult,
  BalanceResult,
  Member,
  Invite,
  Transaction,
  AsOfOptions,
  MembersAt,
  AccountState,
  Change,
  DiffOptions,
  DiffPage
} from './ledger/results.js'
export type { TxInput, AmountInput, KeyInput } from './node/tx-input.js'
export type { Role, TxType } from './ledger/tx.js'
export { verifyEntry } from './ledger/entry.js'
export { verifyEntryProof } from './proof/verify.js'
export type { VerifyProofOptions, VerifiedEntryProof } from './proof/verify.js'
export { decodeEntryProof } from './proof/codec.js'
export type { EntryProof, TreeNode } from './proof/codec.js'
export { createDht, parseBootstrap, formatBootstrap } from './net/dht.js'
export type { DhtOptions, DhtAddress } from './net/dht.js'
export type { NetworkOptions } from './net/network.js'
export * as limits from './ledger/limits.js'
