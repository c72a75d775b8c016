import test from 'brittle'
import path from 'path'
import fs from 'fs/promises'
import { execFile } from 'child_process'
import { promisify } from 'util'
import { fileURLToPath } from 'url'
import { tmpdir } from './helpers/temp.js'

/** The project (this file runs from dist/test). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
const PATCH_PACKAGE = path.join(ROOT, 'node_modules', 'patch-package', 'index.js')
/** The files the package patches, one per patch in .patches/. */
const PATCHED = [
  { patch: 'autobase+7.28.1.patch', file: ['autobase', 'lib', 'apply-state.js'] },
  { patch: 'hypercore+11.37.1.patch', file: ['hypercore', 'lib', 'session-state.js'] }
]
/** One step (pack, install, compile, run) fails the test if it runs longer than this (ms). */
const STEP_TIMEOUT_MS = 120_000

/** What a new user compiles: the strictest usual setup, with every declaration file checked. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    outDir: 'out'
  },
  include: ['main.ts']
}
const CONSUMER_PROGRAM = `import { LedgerNode } from 'autoledger'
const node = new LedgerNode({ storage: process.argv[2] })
const { id } = await node.submit({ type: 'put', key: 'k', value: 'v' })
console.log((await node.waitForTransaction(id)).outcome)
await node.close()
`

test(
  'package - the packed tarball installs into an empty TypeScript project, compiles with no diagnostics and runs',
  { timeout: 5 * STEP_TIMEOUT_MS },
  async (t) => {
    const dir = await tmpdir(t)
    const consumer = path.join(dir, 'consumer')
    await fs.mkdir(consumer)

    // The build that runs this test made dist/; the prepare script would patch and build again.
    const packed = await run(
      t,
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
      ROOT
    )
    const [tarball] = JSON.parse(packed.stdout) as Array<{
      filename: string
      entryCount: number
      unpackedSize: number
      files: Array<{ path: string }>
    }>
    t.comment(
      `${tarball.filename}: ${tarball.entryCount} files, ${tarball.unpackedSize} bytes unpacked`
    )
    t.alike(
      tarball.files.map((f) => f.path).filter((p) => /^(dist\/)?(test|bench)\//.test(p)),
      [],
      'the tarball holds no test or bench files'
    )
    t.alike(
      tarball.files
        .map((f) => f.path)
        .filter((p) => p.startsWith('lib/http/dashboard/'))
        .sort(),
      ['dashboard.css', 'dashboard.js', 'index.html'].map((f) => 'lib/http/dashboard/' + f),
      'the dashboard the daemon serves ships with it'
    )

    await writeConsumer(consumer)
    await run(
      t,
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', path.join(dir, tarball.filename)],
      consumer
    )
    const installed = JSON.parse(
      await fs.readFile(path.join(consumer, 'node_modules', 'autoledger', 'package.json'), 'utf8')
    ) as { version: string; scripts?: Record<string, string> }
    t.alike(
      Object.keys(installed.scripts ?? {}).filter((s) => /^(pre|post)?install$/.test(s)),
      [],
      'installing the package runs none of its scripts'
    )

    const compiled = await run(
      t,
      process.execPath,
      [TSC, '-p', consumer, '--pretty', 'false'],
      consumer
    )
    t.is(compiled.stdout + compiled.stderr, '', 'tsc reports no diagnostics')

    const ran = await run(
      t,
      process.execPath,
      [path.join(consumer, 'out', 'main.js'), path.join(consumer, 'ledger')],
      consumer
    )
    t.is(
      ran.stdout.trim(),
      'accepted',
      'the program opened a node, submitted a put and printed its outcome'
    )

    const cliVersion = await run(
      t,
      path.join(consumer, 'node_modules', '.bin', 'autoledger'),
      ['--version'],
      consumer
    )
    t.is(cliVersion.stdout.trim(), installed.version, 'the installed autoledger command runs')

    // The README's steps for the dependency fixes: the package's patches, applied by patch-package in the consumer.
    const patched = (root: string, file: string[]): Promise<string> =>
      fs.readFile(path.join(root, 'node_modules', ...file), 'utf8')
    t.alike(
      (await fs.readdir(path.join(consumer, 'node_modules', 'autoledger', '.patches'))).sort(),
      PATCHED.map((p) => p.patch).sort(),
      'the package carries every patch'
    )
    await fs.mkdir(path.join(consumer, 'patches'))
    for (const { patch, file } of PATCHED) {
      t.not(
        await patched(consumer, file),
        await patched(ROOT, file),
        `a plain install leaves ${file[0]} unpatched`
      )
      await fs.copyFile(
        path.join(consumer, 'node_modules', 'autoledger', '.patches', patch),
        path.join(consumer, 'patches', patch)
      )
    }
    await run(t, process.execPath, [PATCH_PACKAGE], consumer)
    for (const { file } of PATCHED)
      t.is(
        await patched(consumer, file),
        await patched(ROOT, file),
        `the README's steps patch the consumer's ${file[0]} as the project's own`
      )
  }
)

/**
 * An empty project that depends on Node's types, as a TypeScript program for Node does. npm ci
 * caches the dependencies' tarballs but not the registry's documents an offline install would
 * resolve their version ranges with, so the lockfile is seeded with the project's own: npm then
 * installs the tarball and its dependencies at the versions the project locks, from the cache.
 */
async function writeConsumer(consumer: string): Promise<void> {
  const lock = JSON.parse(await fs.readFile(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>
  }
  const dependencies = { '@types/node': lock.packages['node_modules/@types/node'].version }
  const write = async (name: string, value: unknown): Promise<void> =>
    fs.writeFile(
      path.join(consumer, name),
      typeof value === 'string' ? value : JSON.stringify(value, null, 2)
    )
  await write('package.json', { name: 'consumer', private: true, type: 'module', dependencies })
  await write('package-lock.json', {
    name: 'consumer',
    lockfileVersion: 3,
    requires: true,
    packages: { ...lock.packages, '': { name: 'consumer', dependencies } }
  })
  await write('tsconfig.json', CONSUMER_TSCONFIG)
  await write('main.ts', CONSUMER_PROGRAM)
}

/** Run a command to completion; a failure fails the test with its output. */
async function run(
  t: test.Test,
  file: string,
  args: string[],
  cwd: string
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await promisify(execFile)(file, args, {
      cwd,
      timeout: STEP_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024
    })
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string }
    t.fail(
      `${path.basename(file)} ${args.join(' ')} failed: ${(err as Error).message}\n${stdout}${stderr}`
    )
    return { stdout, stderr }
  }
}
