// The course in a real Jupyter front end (classic Notebook), driven by headless Chromium through playwright-core.
// Started by .ci/jupyter, which installs the packages, starts the server and restores the notebooks on every exit path.
//
//   node tools/JupyterCheck/check.js --url URL --token TOKEN --root REPO --out FOLDER --modules NODE_MODULES
//        [--open all|none] [--run 00,03,07,solutions/06|all] [--growth-limit BYTES] [--run-timeout SECONDS]
//        [--allow-known-failures] [--keep-saved FOLDER] [--open-jobs N]
//
// 1. Every notebook of notebooks/ and notebooks/solutions/ opened AS COMMITTED (untrusted, no kernel: the page's
//    session request is blocked): counts the figures a learner sees (an output with an image/svg+xml or image/png
//    chart, shown as an image), and MathJax 2.7's errors in the markdown.
// 2. The notebooks of --run (number prefixes): Cell → Run All, wait until every cell ran and the kernel is idle; no
//    error output, no stderr box, every chart drawn by Plotly (and the first heatmap's hover label); then File → Save
//    and the file's growth in bytes against the committed file; then the saved file opened again without running it
//    (no plotly.js): every live chart shows its SVG. The committed file is then copied back.
// Exit code: 0 if every check passed, 1 if one failed. A failure of a KNOWN kind (below) is reported as XFAIL and
// does not fail the run only with --allow-known-failures.
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const url = opt('--url'), token = opt('--token'), root = opt('--root'), out = opt('--out');
const runPrefixes = (opt('--run', '00,03,07') || '').split(',').map(s => s.trim()).filter(Boolean);
const growthLimit = Number(opt('--growth-limit', String(100 * 1024)));
const runTimeout = 1000 * Number(opt('--run-timeout', '300'));   // per notebook, for Run All
const allowKnown = args.includes('--allow-known-failures');
const openCommitted = opt('--open', 'all') !== 'none';
const openJobs = Math.max(1, Number(opt('--open-jobs', '3')));   // committed notebooks opened at a time
const keepSaved = opt('--keep-saved');   // a folder: each notebook as saved after Run All is copied there (to measure what it holds)
const { chromium } = require(path.resolve(opt('--modules'), 'playwright-core'));

// Known failures: what issue #21 has not fixed yet. Without --allow-known-failures they fail the run like any other
// check. (Fixed and no longer known: every committed figure carries a PNG that untrusted Jupyter shows; no setup cell
// shows a compiler warning; a saved notebook grows by less than 100 KB, its live charts packed.)
const KNOWN = {};

let failures = 0, knownFailures = 0;
const rows = [];
function check(ok, what, known) {
  if (ok) return true;
  if (known && allowKnown) { knownFailures++; console.log(`XFAIL ${what} [known: ${KNOWN[known]}]`); }
  else { failures++; console.log(`FAIL ${what}${known ? ` [known: ${KNOWN[known]}]` : ''}`); }
  return false;
}

const notebooks = [
  ...fs.readdirSync(path.join(root, 'notebooks')).filter(f => f.endsWith('.ipynb')).sort().map(f => `notebooks/${f}`),
  ...fs.readdirSync(path.join(root, 'notebooks', 'solutions')).filter(f => f.endsWith('.ipynb')).sort().map(f => `notebooks/solutions/${f}`),
];
const isFigure = o => !!o.data && ('image/svg+xml' in o.data || 'image/png' in o.data);
function committedFigures(file) {
  const nb = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
  return nb.cells.flatMap(c => c.outputs || []).filter(isFigure).length;
}
const seconds = t0 => ((Date.now() - t0) / 1000).toFixed(1);

// In the page: pairs each output of every code cell (its JSON) with its element, and says which figures show an image.
const COUNT_FIGURES = () => {
  const result = { figures: 0, visible: 0, hidden: [] };
  Jupyter.notebook.get_cells().forEach((cell, c) => {
    if (cell.cell_type !== 'code') return;
    const elements = cell.output_area.element.children('.output_area').toArray();
    cell.output_area.outputs.forEach((o, k) => {
      if (!o.data || !('image/svg+xml' in o.data || 'image/png' in o.data)) return;
      result.figures++;
      const e = elements[k];
      const image = e && [...e.querySelectorAll('img, svg')].find(i => { const r = i.getBoundingClientRect(); return r.width > 50 && r.height > 50; });
      if (image) result.visible++;
      else result.hidden.push(`cell ${c}: ${e ? e.innerText.replace(/^Out\[\d+\]:\s*/, '').replace(/\s+/g, ' ').trim().slice(0, 90) : 'no element'}`);
    });
  });
  return result;
};

// In the page: MathJax 2.7's rendered maths; an error is an merror node, a red (undefined) macro, or a backslash left
// as text (\text{head\_dim} shown as head\_dim).
const MATHJAX_ERRORS = () => new Promise(resolve => {
  if (!window.MathJax || !MathJax.Hub) { resolve({ version: null, spans: 0, errors: ['MathJax is not loaded'] }); return; }
  MathJax.Hub.Queue(() => {
    const errors = [];
    const jaxes = MathJax.Hub.getAllJax();
    for (const jax of jaxes) {
      let bad = null;
      const walk = n => {
        if (!n || bad) return;
        if (n.type === 'merror' || n.mathcolor === 'red') bad = n.type;
        if (n.type === 'chars' && typeof n.data?.join === 'function' && n.data.join('').includes('\\')) bad = 'a backslash shown as text';
        (n.data || []).forEach(d => typeof d === 'object' && walk(d));
      };
      walk(jax.root);
      if (bad) errors.push(`${bad}: ${jax.originalText.slice(0, 100)}`);
    }
    resolve({ version: MathJax.version, spans: jaxes.length, errors });
  });
});

async function openNotebook(context, file, blockKernel) {
  const page = await context.newPage();
  if (blockKernel)
    await page.route('**/api/sessions**', route => route.request().method() === 'POST' ? route.abort() : route.continue());
  await page.goto(`${url}/notebooks/${file}?token=${token}`, { waitUntil: 'load', timeout: 60000 });
  await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded, null, { timeout: 60000 });
  return page;
}

async function deleteSessions(page) {
  // The page's own session API sends the XSRF header, without which Jupyter keeps the kernel.
  await page.evaluate(async () => {
    const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1];
    const headers = xsrf ? { 'X-XSRFToken': decodeURIComponent(xsrf) } : {};
    const sessions = await (await fetch('/api/sessions', { headers })).json();
    for (const s of sessions) await fetch(`/api/sessions/${s.id}`, { method: 'DELETE', headers });
  }).catch(e => console.log(`     (deleting sessions: ${e.message})`));
}

async function committedView(context, file) {
  const t0 = Date.now();
  const page = await openNotebook(context, file, true);
  const trusted = await page.evaluate(() => Jupyter.notebook.trusted);
  const counts = await page.evaluate(COUNT_FIGURES);
  const maths = await page.evaluate(MATHJAX_ERRORS);
  const name = path.basename(file, '.ipynb');
  // The first screen only: a full-page screenshot of a long notebook costs seconds.
  await page.screenshot({ path: path.join(out, `committed-${name}.jpeg`), type: 'jpeg', quality: 70 });
  await page.close();
  const n = committedFigures(file);
  const row = { file, trusted, n, k: counts.visible, maths: maths.spans, mathErrors: maths.errors.length, time: seconds(t0) };
  rows.push(row);
  check(counts.figures === n, `${file}: the page holds ${counts.figures} figure outputs, the file ${n}`);
  if (check(counts.visible >= n, `${file}: figures visible ${counts.visible} of ${n}`) === false)
    counts.hidden.slice(0, 2).forEach(h => console.log(`     shown instead: ${h}`));
  check(maths.errors.length === 0, `${file}: MathJax ${maths.version} typesets every maths span without error (${maths.errors.length} errors)`);
  maths.errors.forEach(e => console.log(`     ${e}`));
  return row;
}

async function runAll(context, file) {
  const t0 = Date.now();
  const full = path.join(root, file);
  const committed = fs.readFileSync(full);
  const n = committedFigures(file);
  const name = path.basename(file, '.ipynb');
  const row = { file, ran: false };
  const page = await openNotebook(context, file, false);
  try {
    await page.waitForFunction(() => { const k = Jupyter.notebook.kernel; return k && k.is_connected() && k.info_reply && k.info_reply.status === 'ok'; }, null, { timeout: 120000 });
    row.kernelStart = seconds(t0);
    // Cell → Run All, by the menu.
    await page.click('#menus a.dropdown-toggle:text-is("Cell")');
    await page.click('#run_all_cells > a');
    await page.waitForFunction(() => {
      const cells = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code' && c.get_text().trim() !== '');
      return cells.every(c => typeof c.input_prompt_number === 'number') &&
        document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null;
    }, null, { timeout: runTimeout, polling: 500 });
    row.ran = true;
    row.runTime = seconds(t0);
    // Plotly draws after the output arrives: wait for the charts (at most 30 s).
    await page.waitForFunction(n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n, n, { timeout: 30000 }).catch(() => {});
    const result = await page.evaluate(() => {
      const outputs = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code').flatMap(c => c.output_area.outputs);
      return {
        errors: outputs.filter(o => o.output_type === 'error').map(o => `${o.ename}: ${o.evalue}`.slice(0, 160)),
        stderr: outputs.filter(o => o.output_type === 'stream' && o.name === 'stderr').map(o => String(o.text).trim().split('\n')[0].slice(0, 160)),
        stderrBoxes: document.querySelectorAll('.output_stderr').length,
        plotly: [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.main-svg')).length,
      };
    });
    Object.assign(row, { errors: result.errors.length, stderr: result.stderrBoxes, plotly: result.plotly, n });
    check(result.errors.length === 0, `${file}: Run All without error outputs (${result.errors.length})`);
    result.errors.forEach(e => console.log(`     ${e}`));
    check(result.stderrBoxes === 0, `${file}: no stderr box after Run All (${result.stderrBoxes})`);
    result.stderr.slice(0, 3).forEach(e => console.log(`     stderr: ${e}`));
    check(result.plotly === n, `${file}: ${result.plotly} charts drawn by Plotly (an svg main layer), ${n} figures committed`);
    // Every chart as drawn, for looking at; and the whole page.
    const plots = await page.$$('.js-plotly-plot');
    for (let i = 0; i < plots.length; i++)
      await plots[i].screenshot({ path: path.join(out, `live-${name}-chart${i + 1}.png`) }).catch(() => {});
    // The first heatmap with the hover label of its cell (row 2, column 1), as a reader pointing at it sees it.
    const hovered = await page.evaluate(() => {
      const gd = [...document.querySelectorAll('.js-plotly-plot')].find(p => p.data && p.data[0] && p.data[0].type === 'heatmap');
      if (!gd) return null;
      gd.id = gd.id || 'an-hovered';
      Plotly.Fx.hover(gd, { xval: 1, yval: 2 });
      const label = gd.querySelector('.hoverlayer .hovertext');
      return { id: gd.id, text: label ? label.textContent : null };
    }).catch(e => ({ text: `error: ${e.message}` }));
    if (hovered && hovered.id) {
      console.log(`     hover label on the first heatmap: ${hovered.text}`);
      await page.locator(`[id="${hovered.id}"]`).screenshot({ path: path.join(out, `hover-${name}.png`) }).catch(() => {});
    }
    // File → Save, then the file's growth against the committed file.
    await page.evaluate(() => Jupyter.notebook.save_notebook());
    await page.waitForFunction(() => !Jupyter.notebook.dirty, null, { timeout: 60000 });
    const saved = fs.statSync(full).size;
    row.growth = saved - committed.length;
    check(row.growth <= growthLimit, `${file}: saving after Run All grows the file by ${row.growth} bytes (limit ${growthLimit})`);
    // plotly.js (4.6 MB) is sent once by the setup cell and replaced at once: it must not be in the saved file.
    const savedText = fs.readFileSync(full, 'utf8');
    if (keepSaved) { fs.mkdirSync(keepSaved, { recursive: true }); fs.writeFileSync(path.join(keepSaved, path.basename(file)), savedText); }
    check(!/plotly\.js v\d/.test(savedText), `${file}: the saved file does not contain plotly.js`);
    // Reopened as saved, not run (the kernel blocked): Jupyter trusts the file it signed on saving, so the live charts'
    // scripts run; plotly.js is absent (no setup cell ran), so every chart must show its SVG, inflated by its script.
    const reopened = await openNotebook(context, file, true);
    try {
      const liveCharts = await reopened.evaluate(() => document.querySelectorAll('.an-live-chart').length);
      const shownSvg = () => [...document.querySelectorAll('.an-live-svg')].filter(b => getComputedStyle(b).display !== 'none' && b.querySelector('svg')).length;
      await reopened.waitForFunction(`(${shownSvg})() >= ${liveCharts}`, null, { timeout: 30000, polling: 250 }).catch(() => {});
      const fallback = await reopened.evaluate(`({ trusted: Jupyter.notebook.trusted, plotly: typeof window.Plotly !== 'undefined', svg: (${shownSvg})() })`);
      row.fallback = `${fallback.svg} of ${liveCharts}`;
      check(liveCharts === n && fallback.svg === n && !fallback.plotly,
        `${file}: reopened as saved without running (trusted ${fallback.trusted}, plotly.js ${fallback.plotly ? 'present' : 'absent'}), ${fallback.svg} of ${liveCharts} live charts show their SVG (${n} figures)`);
      const first = await reopened.$('.an-live-chart');
      if (first) await first.screenshot({ path: path.join(out, `fallback-${name}.png`) }).catch(() => {});
    } finally {
      await reopened.close();
    }
  } catch (e) {
    check(false, `${file}: Run All did not finish: ${e.message.split('\n')[0]}`);
  } finally {
    await deleteSessions(page);
    await page.close();
    fs.writeFileSync(full, committed);   // the committed file back (.ci/jupyter restores it too, on every exit path)
  }
  row.time = seconds(t0);
  return row;
}

(async () => {
  fs.mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  try {
    let t0 = Date.now();
    console.log(`Opened as committed (untrusted, not run): ${notebooks.length} notebooks`);
    if (openCommitted) {
      // OPEN_JOBS pages at a time: a page mostly waits (its scripts, MathJax's queue), so they overlap; every notebook
      // gets the same checks, and the table keeps the notebooks' order.
      const queue = [...notebooks];
      await Promise.all(Array.from({ length: openJobs }, async () => { while (queue.length) await committedView(context, queue.shift()); }));
      rows.sort((a, b) => notebooks.indexOf(a.file) - notebooks.indexOf(b.file));
    }
    const committedTime = seconds(t0);
    t0 = Date.now();
    const runs = [];
    // A prefix NN selects notebooks/NN-*.ipynb; solutions/NN selects notebooks/solutions/NN-*.ipynb; all selects every notebook.
    const selected = notebooks.filter(f => runPrefixes.includes('all') || runPrefixes.some(p => p.startsWith('solutions/')
      ? f.includes('/solutions/') && path.basename(f).startsWith(p.slice('solutions/'.length) + '-')
      : path.basename(f).startsWith(p + '-') && !f.includes('/solutions/')));
    console.log(`Run All: ${selected.join(', ') || 'none'}`);
    for (const file of selected) runs.push(await runAll(context, file));
    const runTime = seconds(t0);

    console.log('');
    console.log('notebook                                              figures visible   maths   trusted   time');
    for (const r of rows)
      console.log(`${r.file.padEnd(54)}${`${r.k} of ${r.n}`.padStart(15)}   ${String(r.maths).padStart(5)}${r.mathErrors ? `(${r.mathErrors} err)` : ''}   ${String(r.trusted).padEnd(7)}  ${r.time.padStart(5)} s`);
    const total = rows.reduce((a, r) => ({ k: a.k + r.k, n: a.n + r.n }), { k: 0, n: 0 });
    console.log(`${'all'.padEnd(54)}${`${total.k} of ${total.n}`.padStart(15)}   (${committedTime} s)`);
    if (runs.length) {
      console.log('');
      console.log('Run All                                   kernel   run     errors  stderr  Plotly charts   growth (bytes)   reopened: SVG shown   time');
      for (const r of runs)
        console.log(`${r.file.padEnd(42)}${String(r.kernelStart ?? '-').padStart(6)} s ${String(r.runTime ?? '-').padStart(5)} s  ${String(r.errors ?? '-').padStart(6)}  ${String(r.stderr ?? '-').padStart(6)}  ${`${r.plotly ?? '-'} of ${r.n ?? '-'}`.padStart(13)}  ${String(r.growth ?? '-').padStart(15)}  ${String(r.fallback ?? '-').padStart(20)}  ${r.time.padStart(5)} s`);
      console.log(`(${runTime} s; growth limit ${growthLimit} bytes)`);
    }
    fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify({ committed: rows, runs }, null, 1));
  } finally {
    await browser.close();
  }
  console.log('');
  console.log(`Jupyter check: ${failures} failed${allowKnown ? `, ${knownFailures} known failures allowed (--allow-known-failures)` : ''}; screenshots in ${out}`);
  process.exit(failures === 0 ? 0 : 1);
})().catch(e => { console.error(`Jupyter check: ${e.stack || e}`); process.exit(2); });
