//! `cargo specplan lsp` in a real editor: Neovim, headless, with its
//! built-in LSP client, opens a Rust file and a document, asks for a hover
//! and a definition, edits the document and waits for the published
//! diagnostic. Skipped (with the install command) when Neovim is missing,
//! except under `CI=true`.

mod common;

use std::process::Command;

use common::{annotate_create_item, documented_shop};

/// The session, in Lua (Neovim 0.7's client API: `start_client`, which
/// `vim.lsp.start` wraps in later versions).
const SCRIPT: &str = r#"
local bin, root, out = ...
local results = {}
local ok, err = pcall(function()
  vim.cmd('edit ' .. root .. '/src/handlers/items.rs')
  local id = vim.lsp.start_client({ cmd = { bin, 'specplan', 'lsp' }, root_dir = root, name = 'specplan' })
  vim.lsp.buf_attach_client(0, id)
  vim.wait(20000, function()
    local c = vim.lsp.get_client_by_id(id)
    return c ~= nil and c.initialized
  end)
  local line = vim.fn.search('FR-ITEMS-01')
  local col = vim.fn.col('.')
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(0) },
    position = { line = line - 1, character = col + 2 },
  }
  -- The documents answer at once; coverage follows the background index.
  vim.wait(20000, function()
    local hover = vim.lsp.buf_request_sync(0, 'textDocument/hover', params, 20000)
    results.hover = hover[id].result.contents.value
    return results.hover:find('implemented by') ~= nil
  end, 100)
  local def = vim.lsp.buf_request_sync(0, 'textDocument/definition', params, 20000)
  results.definition = def[id].result
  vim.cmd('edit ' .. root .. '/docs/en/specifications/items/requirements/requirements.md')
  vim.lsp.buf_attach_client(0, id)
  local at = vim.fn.search('### FR-ITEMS-02')
  vim.api.nvim_buf_set_lines(0, at, at, false, { '', 'See FR-ITEMS-99.' })
  results.edited_line = at + 1
  vim.wait(30000, function()
    for _, d in ipairs(vim.diagnostic.get(0)) do
      if d.message:find('FR%-ITEMS%-99') then return true end
    end
    return false
  end, 50)
  results.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(results.diagnostics, { lnum = d.lnum, message = d.message, severity = d.severity, source = d.source })
  end
end)
if not ok then results.error = tostring(err) end
local f = io.open(out, 'w')
f:write(vim.fn.json_encode(results))
f:close()
vim.cmd('qa!')
"#;

#[test]
fn neovim_hovers_jumps_and_shows_diagnostics() {
    if Command::new("nvim").arg("--version").output().is_err() {
        let why =
            "Neovim is not installed: run `apt-get install neovim` (or ./scripts/test.sh as root)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{why}; CI=true requires it");
        }
        eprintln!("skipped: {why}");
        return;
    }
    let (tmp, dir) = documented_shop(3);
    annotate_create_item(&dir);
    let script = tmp.path().join("session.lua");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = tmp.path().join("out.json");
    let lua = format!(
        "lua loadfile({:?})({:?}, {:?}, {:?})",
        script.display().to_string(),
        env!("CARGO_BIN_EXE_cargo-specplan"),
        dir.display().to_string(),
        out.display().to_string()
    );
    let run = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", &lua])
        .env("SPECPLAN_TODAY", "2026-01-15")
        .env("XDG_STATE_HOME", tmp.path())
        .env("XDG_DATA_HOME", tmp.path())
        .output()
        .unwrap();
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).unwrap_or_default()).unwrap_or_else(|e| {
            panic!(
                "Neovim wrote no results ({e}):\n{}\n{}",
                String::from_utf8_lossy(&run.stdout),
                String::from_utf8_lossy(&run.stderr)
            )
        });
    assert!(results.get("error").is_none(), "{results}");
    let hover = results["hover"].as_str().unwrap();
    assert!(hover.contains("**FR-ITEMS-01**: Create item"), "{hover}");
    assert!(hover.contains("implemented by: `create_item`"), "{hover}");
    let def = &results["definition"];
    assert!(
        def["uri"]
            .as_str()
            .unwrap()
            .ends_with("/requirements/requirements.md"),
        "{def}"
    );
    let diags = results["diagnostics"].as_array().unwrap();
    let undefined = diags
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("`FR-ITEMS-99` is not defined")
        })
        .unwrap_or_else(|| panic!("{results}"));
    assert_eq!(undefined["lnum"], results["edited_line"]);
    assert_eq!(undefined["severity"], 1);
    assert_eq!(undefined["source"], "cargo-specplan");
}
