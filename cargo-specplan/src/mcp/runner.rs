//! Running a command of this same binary for a tool call.
//!
//! Each call runs `cargo-specplan specplan <command> …` as a child process:
//! the command behaves exactly as on the terminal (the review gate, the
//! confinement to the workspace, the exit codes), nothing it prints can
//! reach the protocol's stdout, a panic in one command cannot take the
//! server down, and a cancelled call kills its child. The child's
//! cargo-style status lines (`Scanning …`, `Writing …`) become progress
//! notifications.

use std::path::PathBuf;
use std::process::Stdio;

use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::service::{Peer, RoleServer};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio_util::sync::CancellationToken;

/// What a command left behind.
#[derive(Debug)]
pub struct Output {
    /// The exit code (0 success, 1 findings, 2 usage or configuration, 101 bug).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// The command's error message: its `error:` lines, else all of stderr.
    pub fn message(&self) -> String {
        let errors: Vec<&str> = self
            .stderr
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("error"))
            .collect();
        let text = if errors.is_empty() {
            self.stderr.trim().to_string()
        } else {
            errors.join("\n").trim().to_string()
        };
        if text.is_empty() {
            format!("the command exited with code {}", self.code)
        } else {
            text
        }
    }
}

/// Where the server's commands run.
#[derive(Debug, Clone)]
pub struct Runner {
    exe: PathBuf,
    manifest_path: Option<PathBuf>,
}

/// Who is told about a call's progress.
pub struct Progress {
    pub peer: Peer<RoleServer>,
    pub token: Option<ProgressToken>,
}

impl Runner {
    pub fn new(exe: PathBuf, manifest_path: Option<PathBuf>) -> Self {
        Runner { exe, manifest_path }
    }

    /// Runs `specplan <args>`; `Err` when it could not be started or the
    /// call was cancelled.
    pub async fn run(
        &self,
        args: &[String],
        progress: Option<&Progress>,
        cancel: &CancellationToken,
    ) -> Result<Output, String> {
        let mut cmd = tokio::process::Command::new(&self.exe);
        cmd.arg("specplan").args(args).arg("--color").arg("never");
        if let Some(m) = &self.manifest_path {
            cmd.arg("--manifest-path").arg(m);
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("CARGO_TERM_COLOR", "never")
            .kill_on_drop(true);
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot run `{}`: {e}", self.exe.display()))?;
        let mut stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let read_out = async {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text).await;
            text
        };
        let read_err = async {
            let mut lines = BufReader::new(stderr).lines();
            let mut text = String::new();
            let mut step = 0u32;
            while let Ok(Some(line)) = lines.next_line().await {
                if let (Some(p), Some(token)) = (progress, progress.and_then(|p| p.token.clone()))
                    && let Some(status) = status_line(&line)
                {
                    step += 1;
                    let note =
                        ProgressNotificationParam::new(token, f64::from(step)).with_message(status);
                    let _ = p.peer.notify_progress(note).await;
                }
                text.push_str(&line);
                text.push('\n');
            }
            text
        };
        let finished = async {
            let (stdout, stderr) = tokio::join!(read_out, read_err);
            let status = child.wait().await;
            (stdout, stderr, status)
        };
        tokio::select! {
            (stdout, stderr, status) = finished => {
                let status = status.map_err(|e| format!("the command failed: {e}"))?;
                Ok(Output { code: status.code().unwrap_or(101), stdout, stderr })
            }
            () = cancel.cancelled() => Err("the call was cancelled".to_string()),
        }
    }
}

/// A cargo-style status line (`   Scanning /ws`): its text, trimmed.
fn status_line(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let word = t.split_whitespace().next()?;
    let is_status = line.starts_with(' ')
        && word.len() > 2
        && word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().skip(1).all(char::is_lowercase);
    is_status.then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(status_line("    Scanning /ws"), Some("Scanning /ws"));
        assert_eq!(
            status_line("     Writing docs/x.md"),
            Some("Writing docs/x.md")
        );
        assert_eq!(status_line("error: no Cargo.toml"), None);
        assert_eq!(status_line("  = help: x"), None);
        assert_eq!(status_line("  --> src/lib.rs:1:1"), None);
    }

    #[test]
    fn messages_are_the_error_lines() {
        let out = Output {
            code: 2,
            stdout: String::new(),
            stderr: "    Scanning /ws\nerror: no domain `x`\n  = help: the domains are auth\n"
                .into(),
        };
        assert_eq!(
            out.message(),
            "error: no domain `x`\n  = help: the domains are auth"
        );
        let silent = Output {
            code: 101,
            stdout: String::new(),
            stderr: String::new(),
        };
        assert_eq!(silent.message(), "the command exited with code 101");
    }
}
