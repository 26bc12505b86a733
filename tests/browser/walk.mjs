// Browser tests of `aides serve`, driving the system's Chromium with playwright-core:
// - the questionnaire walked to the Loiret GP's answer (10 000 €, the CPAM du Loiret's email as a
//   mailto link), by clicks and by keyboard, with JavaScript on and off;
// - screenshots of each page kind at 390×844 and 1280×800 in screenshots/ (not in git);
// - axe-core on each page kind: no WCAG 2.1 A/AA violation.
// The server is the one at AIDES_URL, or the binary at AIDES_BIN (default: the debug build) started
// here on a free loopback port and stopped at the end. The whole run stops itself after 5 minutes.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(here, 'screenshots');
const EMAIL = 'RPS45.cpam-loiret@assurance-maladie.fr';
const AXE = readFileSync(join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');

const watchdog = setTimeout(() => {
  console.error('browser tests: still running after 5 minutes, stopping');
  process.exit(2);
}, 5 * 60 * 1000);

// The Loiret GP: the answer to each question, as a pattern of the label to choose or the text to type.
const ANSWERS = {
  projet: /^votre installation/,
  zone: /^ZIP/,
  secteur: /^secteur 1$/,
  exercice: /^libéral$/,
  specialite: /^médecine générale/i,
  primo_installation: /^oui$/,
  aide_installation_10_ans: /^non$/,
  date_installation: '02/03/2026',
  commune: '45',
  code_postal: '45000',
  departement: '45',
};

async function startServer() {
  if (process.env.AIDES_URL) return { url: process.env.AIDES_URL.replace(/\/$/, ''), stop() {} };
  const bin = process.env.AIDES_BIN || join(here, '../../target/debug/aides');
  const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--date', '02/03/2026'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines = createInterface({ input: child.stderr });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start')), 10000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = line.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) resolve(m[0]);
      else reject(new Error(`unexpected first line: ${line}`));
    });
  });
  lines.on('line', () => {});
  return { url, stop: () => child.kill('SIGTERM') };
}

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

async function context(javaScriptEnabled, viewport) {
  const dir = mkdtempSync(join(tmpdir(), 'aides-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    javaScriptEnabled,
    viewport,
    // axe-core is injected as a script, which the page's strict CSP would refuse.
    bypassCSP: true,
  });
  return { ctx, close: async () => { await ctx.close(); rmSync(dir, { recursive: true, force: true }); } };
}

function fail(message) {
  throw new Error(message);
}

/// The field the page asks (its hidden `q`), or null on the answer page.
async function asked(page) {
  const q = page.locator('input[type=hidden][name=q]');
  return (await q.count()) ? q.getAttribute('value') : null;
}

/// Answers the question on the page by clicks.
async function answerByClicks(page, field) {
  const want = ANSWERS[field];
  const radios = page.locator('input[name=r][type=radio], input[name=r][type=checkbox]');
  if (await radios.count()) {
    const labels = page.locator('.choix label');
    const n = await labels.count();
    for (let i = 0; i < n; i++) {
      const text = (await labels.nth(i).innerText()).trim();
      if (want instanceof RegExp ? want.test(text) : text === 'je ne sais pas') {
        await labels.nth(i).click();
        break;
      }
      if (!want && text === 'je ne sais pas') { await labels.nth(i).click(); break; }
    }
    await page.getByRole('button', { name: 'Continuer' }).click();
  } else if (typeof want === 'string') {
    await page.locator('input#r').fill(want);
    await page.getByRole('button', { name: 'Continuer' }).click();
  } else {
    await page.getByRole('button', { name: 'Je ne sais pas' }).click();
  }
}

/// Answers the question on the page by keyboard only: Tab to the answer, arrows or typing, Enter.
async function answerByKeyboard(page, field) {
  const want = ANSWERS[field];
  // Tab from the top of the page until an answer control has the focus.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => document.activeElement?.getAttribute('name'));
    if (name === 'r') break;
    if (i === 39) fail(`no answer control reached by Tab on ${field}`);
  }
  const type = await page.evaluate(() => document.activeElement.getAttribute('type'));
  if (type === 'radio') {
    const labels = await page.locator('.choix label').allInnerTexts();
    let target = labels.findIndex((t) => (want instanceof RegExp ? want.test(t.trim()) : false));
    if (target < 0) target = labels.findIndex((t) => t.trim() === 'je ne sais pas');
    await page.keyboard.press('Space');
    for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
  } else if (type === 'checkbox') {
    const labels = await page.locator('.choix label').allInnerTexts();
    for (let i = 0; i < labels.length; i++) {
      const t = labels[i].trim();
      if (want instanceof RegExp ? want.test(t) : t === 'je ne sais pas') await page.keyboard.press('Space');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
  } else if (typeof want === 'string') {
    await page.keyboard.type(want);
    await page.keyboard.press('Enter');
  } else {
    // Tab to « Je ne sais pas » and press it.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
  }
  await page.waitForLoadState('load');
}

async function walk(base, { javaScriptEnabled, keyboard }) {
  const { ctx, close } = await context(javaScriptEnabled, { width: 390, height: 844 });
  try {
    const page = ctx.pages()[0] || (await ctx.newPage());
    await page.goto(`${base}/`);
    const seen = [];
    for (let step = 0; step < 40; step++) {
      const field = await asked(page);
      if (!field) break;
      if (seen.includes(field)) fail(`${field} asked twice`);
      seen.push(field);
      const before = page.url();
      await (keyboard ? answerByKeyboard(page, field) : answerByClicks(page, field));
      await page.waitForURL((u) => u.toString() !== before, { timeout: 5000 });
    }
    const text = (await page.locator('main').innerText()).replace(/[\u202f\u00a0]/g, ' ');
    if (!page.url().includes('/reponse?')) fail(`the walk ended on ${page.url()}`);
    if (!text.includes('10 000 €')) fail(`no 10 000 € on the answer:\n${text}`);
    if ((await page.locator(`a[href="mailto:${EMAIL}"]`).count()) < 1) fail('no mailto link to the CPAM du Loiret');
    console.log(`ok: walk by ${keyboard ? 'keyboard' : 'clicks'}, JavaScript ${javaScriptEnabled ? 'on' : 'off'} (${seen.length} questions)`);
    return page.url();
  } finally {
    await close();
  }
}

async function axeCheck(page, name) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  if (result.violations.length) {
    const detail = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    fail(`axe-core on ${name}:\n  ${detail.join('\n  ')}`);
  }
  console.log(`ok: axe-core, no WCAG 2.1 A/AA violation on ${name}`);
}

async function pages(base, answerUrl) {
  mkdirSync(SHOTS, { recursive: true });
  const kinds = [
    ['question', `${base}/`],
    ['question-texte', `${base}/?projet=installation&q=date_installation`],
    ['erreur', `${base}/?q=date_installation&r=31%2F02%2F2026`],
    ['reponse', answerUrl],
    ['aides', `${base}/aides`],
    ['aide', `${base}/aides/primo-installation-zip`],
    ['explication', `${base}/aides/primo-installation-zip?${new URL(answerUrl).search.slice(1)}`],
    ['reponse-tout', `${answerUrl}&all=oui`],
    ['reponse-detail', `${answerUrl}&detail=oui`],
    ['commune', `${base}/?q=commune`],
    ['introuvable', `${base}/nulle-part`],
    ['valeur-refusee', `${base}/reponse?zone=ZOP`],
  ];
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
    const { ctx, close } = await context(true, viewport);
    try {
      const page = ctx.pages()[0] || (await ctx.newPage());
      // Nothing refused by the CSP, no missing file (the icon included).
      const problems = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
      page.on('response', (r) => { if (r.status() === 404 && !r.url().includes('nulle-part')) problems.push(`404 ${r.url()}`); });
      for (const [name, url] of kinds) {
        problems.length = 0;
        await page.goto(url);
        await page.waitForLoadState('networkidle');
        const expected = { erreur: 400, introuvable: 404, 'valeur-refusee': 400 }[name];
        if (name === 'introuvable' || name === 'valeur-refusee') {
          const kind = await page.evaluate(() => document.contentType);
          if (kind !== 'text/html') fail(`${name} is ${kind}, not an HTML page`);
          if ((await page.locator('main a[href="/"]').count()) < 1) fail(`${name} has no link back`);
        }
        const real = problems.filter((p) => !/status of 40[04]/.test(p) || !expected);
        if (real.length) fail(`${name}: ${real.join('; ')}`);
        await page.screenshot({ path: join(SHOTS, `${name}-${viewport.width}x${viewport.height}.png`), fullPage: true });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        if (overflow) fail(`${name} is wider than ${viewport.width} px`);
        if (viewport.width === 390) await axeCheck(page, name);
      }
      if (viewport.width === 390) {
        // The commune completion: the names /api/communes gives, offered in a datalist.
        await page.goto(`${base}/?q=commune`);
        await page.locator('input#r').pressSequentially('orl', { delay: 30 });
        await page.waitForFunction(() => document.querySelectorAll('datalist option').length > 0, null, { timeout: 5000 });
        const first = await page.locator('datalist option').first().getAttribute('value');
        if (first !== 'Orléans (45)') fail(`the first commune offered for « orl » is ${first}`);
        console.log('ok: commune completion offers Orléans (45) first');
      }
      if (viewport.width === 1280) {
        await page.goto(answerUrl);
        await page.emulateMedia({ media: 'print' });
        await page.screenshot({ path: join(SHOTS, 'reponse-print.png'), fullPage: true });
        await axeCheck(page, 'reponse (print)');
        const printed = await page.evaluate(() => ({
          profile: getComputedStyle(document.querySelector('#deja').closest('section')).display,
          font: getComputedStyle(document.querySelector('main p')).fontFamily,
        }));
        if (printed.profile === 'none') fail('« Vos réponses » is not printed');
        if (/mono/i.test(printed.font)) fail(`the answer prints in ${printed.font}`);
        const pdf = join(SHOTS, 'reponse-a4.pdf');
        await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true });
        const count = readFileSync(pdf, 'latin1').match(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)/);
        const pages = count ? Number(count[1] || count[2]) : NaN;
        if (pages !== 1) fail(`the answer prints on ${pages} A4 pages, not one`);
        console.log('ok: the answer prints on one A4 page');
      }
    } finally {
      await close();
    }
  }
  console.log(`screenshots in ${SHOTS}`);
}

const server = await startServer();
let code = 0;
try {
  let answerUrl;
  for (const javaScriptEnabled of [false, true]) {
    for (const keyboard of [false, true]) {
      answerUrl = await walk(server.url, { javaScriptEnabled, keyboard });
    }
  }
  await pages(server.url, answerUrl);
} catch (e) {
  console.error(`FAIL: ${e.message}`);
  code = 1;
} finally {
  server.stop();
  clearTimeout(watchdog);
}
process.exit(code);
