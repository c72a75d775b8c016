import { runProcess } from '../../helpers/process.js'

/** Mount a tmpfs of `mib` MiB on `dir` (root only); false when this environment does not allow it. */
export async function mountTmpfs(dir: string, mib: number, extra = ''): Promise<boolean> {
  const r = await run('mount', [
    '-t',
    'tmpfs',
    '-o',
    `size=${mib}m${extra === '' ? '' : ',' + extra}`,
    'tmpfs',
    dir
  ])
  return r === 0
}

export async function remount(dir: string, options: string): Promise<boolean> {
  return (await run('mount', ['-o', `remount,${options}`, dir])) === 0
}

export async function umount(dir: string): Promise<void> {
  if ((await run('umount', [dir])) !== 0) await run('umount', ['-l', dir])
}

async function run(cmd: string, args: string[]): Promise<number | null> {
  return (await runProcess(cmd, args, { stdio: 'ignore' })).code
}
