// Every maths span of every notebook's markdown ($…$ and $$…$$, outside code) through MathJax 3 (JupyterLab, GitHub)
// and KaTeX (VS Code's markdown preview and notebooks): a parse error, an unknown macro, or a backslash left as text
// (\_ inside \text{}, which MathJax shows as "\_") fails. MathJax 2.7 (classic Jupyter) is checked in the browser by
// check.js.
//
//   node tools/JupyterCheck/maths.js --root REPO --modules NODE_MODULES
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const opt = name => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const root = opt('--root') || process.cwd();
const modules = path.resolve(opt('--modules'));
const need = m => require(path.join(modules, m));

const katex = need('katex');
const { mathjax } = need('mathjax-full/js/mathjax.js');
const { TeX } = need('mathjax-full/js/input/tex.js');
const { liteAdaptor } = need('mathjax-full/js/adaptors/liteAdaptor.js');
const { RegisterHTMLHandler } = need('mathjax-full/js/handlers/html.js');
const { STATE } = need('mathjax-full/js/core/MathItem.js');
const { SerializedMmlVisitor } = need('mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js');
need('mathjax-full/js/input/tex/base/BaseConfiguration.js');
need('mathjax-full/js/input/tex/ams/AmsConfiguration.js');
need('mathjax-full/js/input/tex/newcommand/NewcommandConfiguration.js');

RegisterHTMLHandler(liteAdaptor());
// No noerrors/noundefined packages: an error or an unknown macro throws instead of being drawn in red.
const tex = new TeX({ packages: ['base', 'ams', 'newcommand'], formatError: (_, error) => { throw error; } });
const document = mathjax.document('', { InputJax: tex });
const visitor = new SerializedMmlVisitor();

/** The maths spans of a markdown text: code blocks and code spans removed, \$ is a dollar sign. */
function mathSpans(markdown) {
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
  const spans = [];
  const pattern = /\$\$([\s\S]+?)\$\$|(?<![\\$])\$(?!\$)((?:\\.|[^$\\])+?)\$/g;
  for (const m of text.matchAll(pattern))
    spans.push(m[1] !== undefined ? { tex: m[1].trim(), display: true } : { tex: m[2], display: false });
  return spans;
}

const files = ['notebooks', path.join('notebooks', 'solutions')]
  .flatMap(d => fs.readdirSync(path.join(root, d)).filter(f => f.endsWith('.ipynb')).sort().map(f => path.join(d, f)));
let problems = 0, total = 0;
const lines = [];
for (const file of files) {
  const nb = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
  let count = 0, bad = 0;
  nb.cells.forEach((cell, c) => {
    if (cell.cell_type !== 'markdown') return;
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    for (const span of mathSpans(source)) {
      count++;
      const where = `${file} cell ${c} ${span.display ? '$$' : '$'}${span.tex.slice(0, 90)}${span.display ? '$$' : '$'}`;
      const report = (engine, message) => { bad++; problems++; console.log(`FAIL ${engine}: ${where}\n     ${message}`); };
      try {
        const mml = visitor.visitTree(document.convert(span.tex, { display: span.display, end: STATE.CONVERT }));
        if (mml.includes('<merror')) report('MathJax 3', 'an merror node');
        const texts = [...mml.matchAll(/<mtext[^>]*>([^<]*)<\/mtext>/g)].map(m => m[1]).filter(t => t.includes('\\'));
        if (texts.length) report('MathJax 3', `a backslash shown as text: ${texts.join(', ')}`);
      } catch (e) {
        report('MathJax 3', e.message);
      }
      try {
        const warnings = [];
        katex.renderToString(span.tex, {
          displayMode: span.display, throwOnError: true,
          strict: (code, message) => { warnings.push(`${code}: ${message}`); return 'ignore'; },
        });
        warnings.forEach(w => console.log(`warn KaTeX: ${where}\n     ${w}`));
      } catch (e) {
        report('KaTeX', e.message);
      }
    }
  });
  total += count;
  lines.push(`${file.padEnd(64)}${String(count).padStart(5)} spans  ${bad ? `${bad} problems` : 'ok'}`);
}
console.log(lines.join('\n'));
console.log(`Maths: ${total} spans in ${files.length} notebooks, ${problems} problems (MathJax ${mathjax.version}, KaTeX ${katex.version})`);
process.exit(problems === 0 ? 0 : 1);
