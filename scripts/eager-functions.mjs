// build.mjs's last step: the bundle's top-level functions compiled when the bundle is,
// not on their first call.
//
// V8 compiles a function declaration lazily, on its first call; a function expression in
// parentheses it compiles with the script (its "PIFE" heuristic). That is a little
// cheaper even without a cache (one parse instead of a pre-parse then a full parse), and
// it is what makes Node's compile cache (NODE_COMPILE_CACHE, warmed at image build) hold
// exec mode's code: Node takes the code cache right after compiling the module, so it
// holds only what was compiled eagerly (BENCHMARKS.md, "Compile cache in images").
//
// The rewrite is textual, over esbuild's output, where every top-level function starts
// at column 0 and ends with a `}` alone on a line: `function f(a) {…}` becomes
// `var f = (function f(a) {…});`. A var is not hoisted like a function, so a function is
// left as it is if its name appears before it outside every top-level function's body
// (where top-level code could call it before the var is set; esbuild's export getters aside). Each rewritten function is
// checked to parse on its own, so a `}` line inside a template literal fails the build.

import { Script } from 'node:vm';

const START = /^(async )?function\*? ([\w$]+)\(/;
const GETTER = /^\s+[\w$]+: \(\) => [\w$]+,?$/;

/** Returns `code` with the top-level function declarations `eager(name)` accepts made eagerly compiled expressions, and how many. */
export function eagerFunctions(code, eager = () => true) {
  const lines = code.split('\n');
  const functions = findFunctions(lines);
  // esbuild's namespace objects (`name: () => name,` in an __export() call) only read a name when used.
  const topLevel = lines.map((line) => !GETTER.test(line));
  for (const { start, end } of functions) for (let i = start + 1; i < end; i += 1) topLevel[i] = false;
  let count = 0;
  for (const { start, end, name } of functions) {
    if (!eager(name)) continue;
    const used = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`);
    if (lines.slice(0, start).some((line, i) => topLevel[i] && used.test(line))) continue;
    const text = lines.slice(start, end + 1).join('\n');
    new Script(`(${text})`, { filename: `eager-functions: ${name}` }); // throws on a wrong end
    lines[start] = `var ${name} = (${lines[start]}`;
    lines[end] = `${lines[end]});`;
    count += 1;
  }
  return { code: lines.join('\n'), count };
}

/** Top-level function declarations: first and last line, and name. */
function findFunctions(lines) {
  const found = [];
  for (let i = 0; i < lines.length; i += 1) {
    const match = START.exec(lines[i]);
    if (match === null) continue;
    let end = i;
    if (!lines[i].endsWith('}')) {
      end = lines.indexOf('}', i + 1);
      if (end < 0) throw new Error(`eager-functions: no end for function ${match[2]} at line ${i + 1}`);
    }
    found.push({ start: i, end, name: match[2] });
    i = end;
  }
  return found;
}
