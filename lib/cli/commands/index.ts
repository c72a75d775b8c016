import type { Command } from '../command.js'
import { init } from './init.js'
import { join } from './join.js'
import { run } from './run.js'
import { bootstrap } from './bootstrap.js'
import { status } from './status.js'
import { put } from './put.js'
import { del } from './del.js'
import { get } from './get.js'
import { mint } from './mint.js'
import { transfer } from './transfer.js'
import { openAccount } from './open-account.js'
import { balance } from './balance.js'
import { log } from './log.js'
import { tx } from './tx.js'
import { history } from './history.js'
import { diff } from './diff.js'
import { members } from './members.js'
import { addWriter } from './add-writer.js'
import { removeWriter } from './remove-writer.js'
import { invite, invites } from './invite.js'
import { peers } from './peers.js'
import { demo } from './demo.js'
import { verify } from './verify.js'
import { exportCommand } from './export.js'
import { prove } from './prove.js'
import { verifyProof } from './verify-proof.js'
import { watch } from './watch.js'

/** Every command, in the order `autoledger --help` lists them. */
export const COMMANDS: Command[] = [
  init,
  join,
  run,
  bootstrap,
  status,
  put,
  del,
  get,
  mint,
  transfer,
  openAccount,
  balance,
  log,
  watch,
  tx,
  history,
  diff,
  members,
  addWriter,
  removeWriter,
  invite,
  invites,
  peers,
  verify,
  exportCommand,
  prove,
  verifyProof,
  demo
]
