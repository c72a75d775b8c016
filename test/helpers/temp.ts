import os from 'os'
import path from 'path'
import fs from 'fs/promises'
import type test from 'brittle'

/** A temporary directory and the way to remove it. */
export interface TempDir {
  dir: string
  remove(): Promise<void>
}

/** A fresh directory under the system's temporary directory, named `autoledger-<label>-...`. */
export async function tempDir(label: string): Promise<TempDir> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `autoledger-${label}-`))
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) }
}

/** A fresh temporary directory, removed when the test ends (after everything that uses it). */
export async function tmpdir(t: test.Test, label = 'test'): Promise<string> {
  const tmp = await tempDir(label)
  t.teardown(() => tmp.remove(), { order: Infinity })
  return tmp.dir
}
