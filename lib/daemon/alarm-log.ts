import type { LedgerNode } from '../node/node.js'
import type { Logger } from './log.js'

/**
 * The node's alarms as log lines: `diverged` (error: both heads and the first differing position),
 * `stalled` (warn) and `stalled-cleared` (info).
 */
export function logAlarms(node: LedgerNode, log: Logger): void {
  node.on('alarm', ({ name, alarm }) => {
    if (name === 'diverged') {
      log.error('diverged', {
        position: alarm.position,
        length: alarm.length,
        head: alarm.head,
        signedHead: alarm.signedHead,
        finalLength: alarm.finalLength,
        message: `this node's own ledger differs from the signed ledger from position ${alarm.position} on: it now follows the signed one; its own derivation was wrong (a bug, or a store from an older release)`
      })
    } else {
      log.warn('stalled', {
        finalLength: alarm.finalLength,
        peerFinalLength: alarm.peerFinalLength,
        since: alarm.since,
        message:
          "a connected peer is final further ahead and this node's final length does not move"
      })
    }
  })
  node.on('alarm-cleared', (name) => log.info(`${name}-cleared`, { finalLength: node.finalLength }))
}
