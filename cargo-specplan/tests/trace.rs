//! `trace` end to end: the stale-implementation flow (lock, edit the
//! requirement, `check` reports it, `confirm` clears it), and the HTML
//! report in a real headless Chromium.
//!
//! The browser test needs Chromium (`apt-get install -y chromium`; or point
//! `SPECPLAN_CHROMIUM` at a Chrome or Chromium binary). Without one it is
//! skipped with a message, except under `CI=true`, where it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::copy_dir;

fn fixture() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("gaps");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/trace/gaps"),
        &dir,
    );
    (tmp, dir)
}

fn specplan(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-specplan"))
        .current_dir(dir)
        .env("CARGO_TERM_COLOR", "never")
        .arg("specplan")
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The `stale-implementation` diagnostics of `check --format json`.
fn stale(dir: &Path) -> Vec<serde_json::Value> {
    let out = specplan(dir, &["check", "--format", "json", "-q"]);
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "stale-implementation")
        .cloned()
        .collect()
}

#[test]
fn stale_implementation_flow() {
    let (_tmp, dir) = fixture();
    // No lock: nothing can be stale.
    assert!(stale(&dir).is_empty());

    let out = specplan(&dir, &["trace", "--lock"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("Locked"), "{}", stderr(&out));
    let lock = std::fs::read_to_string(dir.join("specplan.lock")).unwrap();
    assert!(lock.contains("src/handlers/notes.rs::list_notes"), "{lock}");
    assert!(stale(&dir).is_empty());

    // Someone changes the requirement's meaning.
    let req = dir.join("docs/en/specifications/notes/requirements/requirements.md");
    let text = std::fs::read_to_string(&req).unwrap();
    std::fs::write(
        &req,
        text.replace(
            "Every note is listed, newest first.",
            "Every note is listed,\noldest first.",
        ),
    )
    .unwrap();

    let found = stale(&dir);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0]["file"], "src/handlers/notes.rs");
    assert_eq!(found[0]["line"], 8);
    assert_eq!(found[0]["level"], "warning");
    assert_eq!(found[1]["file"], "tests/api.rs");
    let notes = found[0]["notes"].to_string();
    assert!(notes.contains("listed, newest first."), "{notes}");
    assert!(notes.contains("listed, oldest first."), "{notes}");
    // The human form points at the attribute, like rustc.
    let human = stderr(&specplan(&dir, &["check"]));
    assert!(
        human.contains("warning[stale-implementation]: `FR-NOTES-01` changed since this implementation was confirmed against it"),
        "{human}"
    );
    assert!(human.contains("--> src/handlers/notes.rs:8:14"), "{human}");

    // `trace --lock` does not paper over it.
    assert_eq!(
        specplan(&dir, &["trace", "--lock", "-q"]).status.code(),
        Some(0)
    );
    assert_eq!(stale(&dir).len(), 2);
    // The matrix shows it.
    let md = String::from_utf8(specplan(&dir, &["trace", "--uncovered"]).stdout).unwrap();
    assert!(md.contains("(stale)"), "{md}");

    // An unknown ID is a usage error that suggests the right one.
    let out = specplan(&dir, &["confirm", "FR-NOTES-1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `FR-NOTES-01`?"),
        "{}",
        stderr(&out)
    );

    let out = specplan(&dir, &["confirm", "FR-NOTES-01"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Confirmed FR-NOTES-01"),
        "{}",
        stderr(&out)
    );
    assert!(stale(&dir).is_empty());
    let lock = std::fs::read_to_string(dir.join("specplan.lock")).unwrap();
    assert!(
        lock.contains("oldest first") && !lock.contains("newest first"),
        "{lock}"
    );

    // `--all` with nothing stale changes nothing.
    let out = specplan(&dir, &["confirm", "--all"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.join("specplan.lock")).unwrap(),
        lock
    );
}

/// Chromium, or `None` with the reason.
fn chromium() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("SPECPLAN_CHROMIUM") {
        return Ok(p.into());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    Err("Chromium is not installed: `apt-get install -y chromium` (Debian), or set SPECPLAN_CHROMIUM".into())
}

/// `trace --format html -o target/specplan/trace.html`: the page's path
/// and text.
fn html_report(dir: &Path) -> (PathBuf, String) {
    let out = specplan(
        dir,
        &[
            "trace",
            "--format",
            "html",
            "-o",
            "target/specplan/trace.html",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let file = dir.join("target/specplan/trace.html");
    let html = std::fs::read_to_string(&file).unwrap();
    (file, html)
}

/// Chromium; `None` (the test is skipped, with a message) when it is not
/// installed, except under `CI=true`, where that fails the test.
fn browser_or_skip() -> Option<PathBuf> {
    match chromium() {
        Ok(b) => Some(b),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("the browser test must run in CI: {why}")
        }
        Err(why) => {
            eprintln!("skipped: {why}");
            None
        }
    }
}

/// How the tests start Chromium: headless, no network, nothing of its own
/// in the background.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",
];

struct Page {
    dom: String,
    console: Vec<String>,
}

/// Loads `url` in headless Chromium, with no network, and returns the DOM
/// after the scripts ran and every console message.
fn load(browser: &Path, profile: &Path, url: &str) -> Page {
    let out = Command::new(browser)
        .args(CHROMIUM_FLAGS)
        .args(["--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", url])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {log}");
    Page {
        dom: String::from_utf8(out.stdout).unwrap(),
        console: log
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .map(str::to_string)
            .collect(),
    }
}

/// The requirement rows the filter left visible.
fn visible(dom: &str) -> Vec<String> {
    dom.split("<tr ")
        .skip(1)
        .filter(|row| row.contains("class=\"req"))
        .filter_map(|row| {
            let tag = &row[..row.find('>').unwrap()];
            if tag.contains(" hidden") {
                return None;
            }
            let id = tag.split("data-id=\"").nth(1)?;
            Some(id[..id.find('"')?].to_string())
        })
        .collect()
}

#[test]
fn html_report_in_a_headless_browser() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let (tmp, dir) = fixture();
    let (file, html) = html_report(&dir);

    // Nothing the page could fetch: no src, no stylesheet link, no url().
    for needle in [" src=", "<link", "url(", "@import", "<iframe", "<img"] {
        assert!(!html.contains(needle), "the page contains {needle:?}");
    }
    // Links are relative to the page.
    assert!(
        html.contains("href=\"../../src/handlers/notes.rs#L9\""),
        "{html}"
    );

    let profile = tmp.path().join("chromium-profile");
    let url = format!("file://{}", file.display());
    let page = |fragment: &str| {
        let p = load(&browser, &profile, &format!("{url}{fragment}"));
        assert!(p.console.is_empty(), "console messages: {:#?}", p.console);
        assert!(
            p.dom.contains("data-ready=\"true\""),
            "the script did not finish"
        );
        p
    };

    let all = page("");
    assert_eq!(
        visible(&all.dom),
        [
            "FR-NOTES-01",
            "FR-NOTES-02",
            "FR-NOTES-03",
            "NFR-NOTES-01",
            "FR-TAGS-01"
        ]
    );
    assert!(all.dom.contains("5 of 5 requirements"));
    // The embedded data is the JSON report.
    let data = all
        .dom
        .split("id=\"specplan-trace-data\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["total"]["requirements"], 4);

    // The filter box (set from the URL, through its input event).
    let p = page("#q=list_notes");
    assert_eq!(visible(&p.dom), ["FR-NOTES-01"]);
    assert!(p.dom.contains("1 of 5 requirements"));
    let p = page("#q=NOTES-0%20delete");
    assert_eq!(visible(&p.dom), ["FR-NOTES-03"]);
    let p = page("#gaps=1");
    assert_eq!(
        visible(&p.dom),
        ["FR-NOTES-02", "FR-NOTES-03", "FR-TAGS-01"]
    );
    let p = page("#domain=tags");
    assert_eq!(visible(&p.dom), ["FR-TAGS-01"]);
    let p = page("#q=nothing-matches");
    assert!(visible(&p.dom).is_empty());
    assert!(
        p.dom.contains("<p id=\"empty\">"),
        "the empty-state message is hidden"
    );
}

/// A workspace file named like a `javascript:` URL, and script in a title
/// and in a handler's name: loaded in Chromium (through a page that frames
/// the report, with file access between the two), every link of the report
/// resolves — by the browser's own URL parser — to `file:`, `http:` or
/// `https:`, the title's markup makes no element, and clicking every link
/// whose scheme could run script (there must be none) runs nothing.
#[test]
fn html_report_payloads_stay_inert_in_a_headless_browser() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let (tmp, dir) = fixture();
    std::fs::write(
        dir.join("src/javascript:document.title='pwned';<!--.rs"),
        "#[implements(\"FR-NOTES-02\")]\npub fn evil() {}\n",
    )
    .unwrap();
    let req = dir.join("docs/en/specifications/notes/requirements/requirements.md");
    let text = std::fs::read_to_string(&req).unwrap();
    let text = text.replacen(
        "FR-NOTES-02",
        "FR-NOTES-02: <img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>",
        1,
    );
    std::fs::write(&req, text).unwrap();
    let (_, html) = html_report(&dir);
    assert!(!html.contains("href=\"javascript:"), "{html}");
    assert!(!html.contains("<script>document.title"), "{html}");

    let harness = dir.join("target/specplan/harness.html");
    std::fs::write(
        &harness,
        r#"<!doctype html><title>harness</title><pre id="out">pending</pre>
<iframe id="f" src="trace.html"></iframe>
<script>
const f = document.getElementById('f');
f.addEventListener('load', () => {
  const d = f.contentDocument;
  const before = d.title;
  const links = [...d.querySelectorAll('a[href]')];
  const schemes = [...new Set(links.map(a => a.protocol))].sort();
  const bad = links.filter(a => !['file:', 'http:', 'https:'].includes(a.protocol));
  const payload = links.filter(a => a.getAttribute('href').includes('javascript'));
  // Clicking a link whose scheme could run script: there must be none,
  // but if there were, its script would change the title.
  for (const a of bad) a.click();
  setTimeout(() => {
    document.getElementById('out').textContent = JSON.stringify({
      links: links.length, schemes, bad: bad.map(a => a.getAttribute('href')),
      payload: payload.map(a => a.getAttribute('href')),
      injected: [...d.querySelectorAll('script:not([type="application/json"]), [onerror], img')]
        .filter(e => e.outerHTML.includes('pwned')).length,
      title_before: before, title_after: d.title, top: document.title,
    });
  }, 200);
});
</script>"#,
    )
    .unwrap();
    let profile = tmp.path().join("chromium-profile");
    let out = Command::new(&browser)
        .args(CHROMIUM_FLAGS)
        .args([
            "--allow-file-access-from-files",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", harness.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let json = dom
        .split("<pre id=\"out\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("no result: {dom}"));
    let json = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let r: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert!(r["links"].as_u64().unwrap() > 3, "{r}");
    assert_eq!(r["bad"], serde_json::json!([]), "{r}");
    for s in r["schemes"].as_array().unwrap() {
        assert!(
            ["file:", "http:", "https:"].contains(&s.as_str().unwrap()),
            "{r}"
        );
    }
    // The payload file is listed, as a link to a file of that name.
    let payload = r["payload"].as_array().unwrap();
    assert!(
        !payload.is_empty(),
        "the payload file is not in the report: {r}"
    );
    assert!(
        payload[0].as_str().unwrap().contains("javascript%3A"),
        "{r}"
    );
    assert_eq!(r["injected"], 0, "the title's markup became elements: {r}");
    assert_ne!(r["title_after"], "pwned", "{r}");
    assert_eq!(r["title_before"], r["title_after"], "{r}");
    assert_ne!(r["top"], "pwned", "{r}");
}
