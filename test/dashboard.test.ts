import test from 'brittle'
import path from 'path'
import fs from 'fs/promises'
import puppeteer from 'puppeteer-core'
import { ledgerDir, startDaemon } from './helpers/daemon.js'
import { cliJson } from './helpers/cli.js'
import { request } from './helpers/http.js'
import { tmpdir } from './helpers/temp.js'
import { STEP_TIMEOUT_MS } from './helpers/timeouts.js'

/** Debian's chromium package (`.ci/run` installs it). */
const CHROMIUM = '/usr/bin/chromium'
/** A phone's screen, in CSS pixels. */
const PHONE = { width: 390, height: 844 }

test('dashboard - headless Chromium shows a running daemon: its head hash, then a new entry after a write; phone width, no token', async (t) => {
  await fs.access(CHROMIUM).catch(() => {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`)
  })
  const dir = await ledgerDir(t)
  const daemon = await startDaemon(t, dir)
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']
  })
  t.teardown(() => browser.close())
  const page = await browser.newPage()
  await page.setViewport(PHONE)
  const authorized: string[] = []
  page.on('request', (r) => {
    if (r.headers().authorization !== undefined) authorized.push(r.url())
  })
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(String(err)))

  await page.goto(daemon.url + '/')
  const { json: status } = await request(daemon.url + '/v1/status')
  await page.waitForFunction(
    (hash: string) => document.getElementById('head-hash')?.textContent === hash,
    { timeout: STEP_TIMEOUT_MS },
    status.head
  )
  t.pass(`the page shows the head hash ${status.head.slice(0, 16)}...`)

  const written = await cliJson<{ entry: { position: number } }>(t, [
    'put',
    '--dir',
    dir,
    'seen-by',
    'the dashboard'
  ])
  const row = await page.waitForSelector(`#entries li[data-position="${written.entry.position}"]`, {
    timeout: STEP_TIMEOUT_MS
  })
  t.ok(
    (await row!.evaluate((li) => li.textContent ?? '')).includes('put seen-by'),
    'the new entry appears in the recent entries, from the event stream'
  )
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth
  )
  t.is(overflow, 0, `nothing is wider than a phone's ${PHONE.width} px`)
  t.alike(authorized, [], 'no request of the page carries a token')
  t.alike(errors, [], 'the script raised no error')
  const shot = path.join(await tmpdir(t), 'dashboard.png')
  await page.screenshot({ path: shot, fullPage: true })
  t.ok((await fs.stat(shot)).size > 0, `screenshot saved: ${shot}`)
})
