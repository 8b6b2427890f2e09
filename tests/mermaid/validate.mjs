// Parses Mermaid diagrams with the official `mermaid` package, headless.
//
//   node validate.mjs FILE...        a `.md` file: each ```mermaid block;
//                                    any other file: one diagram
//   node validate.mjs < diagram.mmd  one diagram from stdin
//   node validate.mjs --json < x     [{"name": "...", "text": "..."}, ...]
//
// Prints one line per diagram (`ok NAME` or `error NAME: message`) and exits
// 1 when any diagram does not parse, 2 when the input cannot be read.
// Offline: needs only `npm ci --prefix tests/mermaid` once.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

// mermaid sanitizes labels with DOMPurify, which needs a window.
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const key of ["Element", "HTMLElement", "Node", "DocumentFragment", "DOMParser"]) {
  if (!(key in globalThis)) globalThis[key] = dom.window[key];
}

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

function blocksOf(name, text) {
  const out = [];
  const lines = text.split("\n");
  let open = null;
  let fence = "";
  lines.forEach((line, i) => {
    if (open === null) {
      const m = line.match(/^ {0,3}(`{3,}|~{3,})\s*mermaid\s*$/);
      if (m) {
        open = { start: i + 2, body: [] };
        fence = m[1];
      }
    } else if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, "") === "") {
      out.push({ name: `${name}:${open.start}`, text: open.body.join("\n") });
      open = null;
    } else {
      open.body.push(line);
    }
  });
  return out;
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

let diagrams = [];
try {
  const args = process.argv.slice(2);
  if (args[0] === "--json") {
    diagrams = JSON.parse(await readStdin());
  } else if (args.length === 0) {
    diagrams = [{ name: "<stdin>", text: await readStdin() }];
  } else {
    for (const file of args) {
      const text = readFileSync(file, "utf8");
      diagrams.push(...(file.endsWith(".md") ? blocksOf(file, text) : [{ name: file, text }]));
    }
  }
} catch (e) {
  console.error(`error: cannot read the diagrams: ${e.message}`);
  process.exit(2);
}

let failed = 0;
for (const d of diagrams) {
  try {
    await mermaid.parse(d.text);
    console.log(`ok ${d.name}`);
  } catch (e) {
    failed += 1;
    const message = String(e?.message ?? e).replace(/\s+$/, "");
    console.log(`error ${d.name}: ${message}`);
  }
}
process.exit(failed ? 1 : 0);
