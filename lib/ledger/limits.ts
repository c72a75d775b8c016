/** The highest ledger format version this release understands. Activating a higher one stops apply. */
export const FORMAT_VERSION = 3
/** The format version of a ledger before its first set-version, whatever the release. */
export const GENESIS_VERSION = 1
/** From this format version on, apply keeps every subject's past values (the `hist/` keys). */
export const HISTORY_VERSION = 2
/** From this format version on, admins record invites and add writers by them (`add-invite`, `revoke-invite`). */
export const INVITE_VERSION = 3
/**
 * The version byte blocks and transactions are encoded with. It stays 1 while their encoding does:
 * a ledger at any format version accepts them, so a newer release still writes what an older one reads.
 */
export const ENCODING_VERSION = 1
/**
 * Transactions that only a ledger at INVITE_VERSION can apply (the invite types, an add-writer that
 * names an invite) carry that version byte: a ledger below it rejects them as VERSION_NOT_ACTIVE,
 * the same outcome an older release records.
 */
export const INVITE_ENCODING_VERSION = INVITE_VERSION

/** A block (one autobase node) above this many bytes is rejected whole. */
export const MAX_BLOCK_BYTES = 1024 * 1024
/** A block with more transactions than this is rejected whole: it bounds the entries one block can make. */
export const MAX_BLOCK_TXS = 4096
/** The writer packs transactions into blocks of up to this many bytes (and MAX_BLOCK_TXS). */
export const TARGET_BLOCK_BYTES = 64 * 1024
/** A single encoded transaction above this many bytes is rejected. */
export const MAX_TX_BYTES = 32 * 1024
export const MAX_KEY_BYTES = 512
export const MAX_VALUE_BYTES = 16 * 1024
export const MAX_MEMO_BYTES = 256
/** Balances, amounts and the total supply stay below 2^128. */
export const MAX_AMOUNT = (1n << 128n) - 1n
export const TX_ID_BYTES = 16
export const WRITER_KEY_BYTES = 32
/** Writers that may debit one named account. */
export const MAX_OWNERS = 16
/** An invite id and an invite's public key (blind pairing) are 32 bytes each. */
export const INVITE_ID_BYTES = 32
/** How many nodes one invite may add. */
export const MAX_INVITE_USES = 10_000
