// Drives `cargo specplan mcp` with the official MCP TypeScript SDK's client:
// lists tools, resources and prompts, runs the Step 0–6 flow through tools
// alone on the workspace it is given, and checks errors and limits.
//
//   node client.mjs <cargo-specplan binary> <workspace Cargo.toml> <domain>
//
// Prints one JSON object with what it saw on stdout; exits 1 with a message
// on the first expectation that does not hold.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import path from "node:path";

const [bin, manifest, domain] = process.argv.slice(2);
if (!bin || !manifest || !domain) {
  console.error("usage: node client.mjs <binary> <Cargo.toml> <domain>");
  process.exit(2);
}

function expect(cond, what, detail) {
  if (!cond) {
    const more = detail === undefined ? "" : `: ${JSON.stringify(detail, null, 1).slice(0, 2000)}`;
    console.error(`expectation failed: ${what}${more}`);
    process.exit(1);
  }
}

const STEPS = ["requirements", "user-stories", "api-spec", "use-cases", "sequence-diagram"];

const transport = new StdioClientTransport({
  command: bin,
  args: ["specplan", "mcp", "--manifest-path", manifest],
  cwd: path.dirname(manifest),
  stderr: "pipe",
});
let serverStderr = "";
transport.stderr?.on("data", (d) => (serverStderr += d));
const client = new Client({ name: "specplan-test", version: "1.0.0" });
await client.connect(transport);
const seen = { server: client.getServerVersion(), progress: 0 };

const tools = (await client.listTools()).tools;
seen.tools = tools.map((t) => t.name);
for (const t of tools) {
  expect(t.inputSchema?.type === "object", `tool ${t.name} has an object input schema`, t);
  expect(typeof t.description === "string" && t.description.length > 20, `tool ${t.name} is described`);
}
seen.prompts = (await client.listPrompts()).prompts.map((p) => p.name);

// One call: the structured result, progress counted.
async function call(name, args = {}) {
  const result = await client.callTool({ name, arguments: args }, undefined, {
    onprogress: () => seen.progress++,
    timeout: 300_000,
  });
  return result;
}
async function ok(name, args = {}) {
  const r = await call(name, args);
  expect(!r.isError, `${name} succeeds`, r.content);
  expect(r.structuredContent && typeof r.structuredContent === "object", `${name} returns structured content`, r);
  return r.structuredContent;
}

// Step 0 and 0.5.
const detect = await ok("detect");
seen.detect_keys = Object.keys(detect).sort();
const routes = await ok("routes");
seen.endpoints = (routes.endpoints ?? []).length;
const init = await ok("init", { domains: [domain] });
expect(init.status.domains.some((d) => d.name === domain), "init scaffolds the domain", init.status);

// The review gate: Step 2 before Step 1 is approved is refused, with the
// CLI's message, as a tool error the agent reads.
const early = await call("generate", { domain, step: "user-stories" });
expect(early.isError === true, "the review gate refuses Step 2 first", early);
seen.gate_message = early.content[0].text;

// Steps 1–5, each approved after its (here: automatic) review.
seen.steps = [];
for (const step of STEPS) {
  const args = { domain, step };
  if (step === "requirements") {
    args.answers = {
      purpose: "Lets members sign in and manage their account.",
      role: "member",
      stakeholders: ["Member: signs in quickly"],
      nfrs: ["Security: tokens expire"],
    };
  }
  const g = await ok("generate", args);
  expect(g.step === step && typeof g.path === "string", `generate ${step} names its document`, g);
  expect(Array.isArray(g.todos), `generate ${step} lists the TODOs`, g);
  for (const t of g.todos) {
    expect(Number.isInteger(t.line) && t.line > 0 && t.text.includes("TODO"), "a TODO has a line and its text", t);
  }
  const doc = await client.readResource({ uri: `specplan://docs/${g.path}` });
  expect(doc.contents[0].text.includes(domain === "users" ? "USERS" : domain.toUpperCase()), `the ${step} document is readable`);
  const a = await ok("approve", { domain, step });
  expect(a.document.status === "Approved", `approve ${step}`, a);
  seen.steps.push({ step, path: g.path, todos: g.todos.length });
}
await ok("index");
const synced = await ok("sync", { check: true });
expect(synced.outdated.length === 0, "a pipeline just run leaves no region outdated", synced.outdated);
const check = await ok("check");
seen.check = check.summary;
expect(check.summary.errors === 0, "check is clean after the flow", check.diagnostics.filter((d) => d.level === "error"));
const filtered = await ok("check", { rule: "unverified-requirement" });
expect(filtered.diagnostics.every((d) => d.rule === "unverified-requirement"), "check filters by rule");
const status = await ok("status");
const dom = status.domains.find((d) => d.name === domain);
expect(dom.steps.every((s) => s.status === "Approved"), "every step approved", dom);

// Trace, one requirement's chain, plan and its validation, explain, annotate.
const trace = await ok("trace");
const first = trace.requirements[0].id;
const chain = await ok("trace", { requirement: first });
expect(chain.requirement.id === first, "trace gives one requirement's chain", chain);
const plan = await ok("plan", { prompt: "Add password reset by e-mail" });
const validated = await ok("plan_validate", { plan });
seen.plan_validate = validated.summary ?? validated;
const broken = structuredClone(plan);
delete broken.architecture;
const invalid = await ok("plan_validate", { plan: broken });
expect((invalid.summary?.errors ?? invalid.diagnostics.length) > 0, "plan_validate finds errors in a broken plan", invalid);
const explain = await ok("explain", { rule: "undefined-id" });
expect(explain.text.includes("undefined-id"), "explain explains", explain);
const annotate = await ok("annotate");
seen.annotate_diff_lines = annotate.diff.split("\n").length;

// Consultants.
const consult = await ok("consult", { feature: "Password reset" });
expect(consult.folder === "planning-docs/password-reset", "consult names its folder", consult);
seen.consult_documents = consult.documents.map((d) => d.path.split("/").pop());
expect(seen.consult_documents.length === 6, "consult writes the summary and five documents", consult);

// Resources: documents, routes, trace, references; confinement.
const resources = (await client.listResources()).resources;
seen.resources = resources.length;
expect(resources.some((r) => r.uri.startsWith("specplan://docs/planning-docs/")), "planning-docs are resources", resources.map((r) => r.uri));
for (const uri of ["specplan://routes", "specplan://trace", "specplan://reference/pipeline", "specplan://reference/rules", "specplan://reference/plan-schema"]) {
  const r = await client.readResource({ uri });
  expect(r.contents[0].text.length > 50, `${uri} has content`);
}
for (const uri of ["specplan://docs/../Cargo.toml", "specplan://docs//etc/passwd", "specplan://docs/Cargo.toml", "specplan://nope"]) {
  let refused = false;
  try {
    await client.readResource({ uri });
  } catch (e) {
    refused = e instanceof McpError;
  }
  expect(refused, `${uri} is refused`);
}

// Prompts.
const planning = await client.getPrompt({ name: "backend-planning", arguments: { request: "an account service" } });
expect(planning.messages[0].content.text.includes("approve"), "backend-planning stops for review");
const planner = await client.getPrompt({ name: "backend-planner", arguments: { request: "Stripe billing" } });
expect(planner.messages[0].content.text.includes("plan_validate"), "backend-planner validates");
await client.getPrompt({ name: "backend-consultants", arguments: { feature: "Password reset" } });

// Bad arguments: protocol errors naming the argument; the server lives on.
seen.errors = {};
for (const [name, args, code] of [
  ["generate", { domain }, null],
  ["generate", {}, -32602],
  ["generate", { domain, step: "step-9" }, -32602],
  ["status", { verbose: true }, -32602],
  ["plan_validate", { plan: "not an object" }, -32602],
  ["no-such-tool", {}, -32602],
]) {
  try {
    const r = await call(name, args);
    if (code === null) {
      // Every step exists: the command's own refusal, as a tool error.
      expect(r.isError === true, "generate past Step 5 is a tool error", r);
      seen.errors.generate_done = r.content[0].text;
    } else {
      expect(false, `${name} ${JSON.stringify(args)} is rejected`, r);
    }
  } catch (e) {
    expect(e instanceof McpError && e.code === code, `${name} ${JSON.stringify(args)} is a protocol error ${code}`, String(e));
    seen.errors[`${name} ${Object.keys(args).join(",")}`] = e.message;
  }
}
await ok("status");

await client.close();
seen.stderr_bytes = serverStderr.length;
console.log(JSON.stringify(seen, null, 2));
