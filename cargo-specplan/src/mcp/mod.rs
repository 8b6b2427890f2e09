//! `cargo specplan mcp`: the planning pipeline as a Model Context Protocol
//! server on stdio, for coding agents (Claude Code, Cursor, Codex, the MCP
//! Inspector).
//!
//! Built on `rmcp`, the protocol's official Rust SDK. Tools run this
//! binary's own commands ([`runner`]) and return their JSON as structured
//! results; resources are the workspace's documents, the routes, the trace
//! matrix and the pipeline's rules; prompts walk an agent through seed 000's
//! steps, seed 001's plan and seed 002's consultants, stopping for the
//! person's review where the CLI does.

mod reference;
mod runner;
mod tools;

use std::path::{Component, Path, PathBuf};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, GetPromptRequestParams, GetPromptResponse,
    ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult,
    Resource, ResourceContents, ResourceTemplate, ServerCapabilities, ServerConfig,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::{ErrorData as McpError, ServerHandler, ServiceExt};

use crate::CliError;
use crate::cli::GlobalArgs;
use runner::{Progress, Runner};

/// Serves until the client closes stdin.
pub fn run(global: &GlobalArgs) -> Result<(), CliError> {
    let exe = std::env::current_exe()
        .map_err(|e| CliError::Usage(format!("cannot locate cargo-specplan itself: {e}")))?;
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::Usage(format!("cannot read the current directory: {e}")))?;
    let manifest_path = global.manifest_path.as_ref().map(|m| {
        if m.is_absolute() {
            m.clone()
        } else {
            cwd.join(m)
        }
    });
    // The workspace is found as every command finds it: an error here is
    // the same clear message, before any client connects.
    let ws = specplan_core::Workspace::load(manifest_path.as_deref(), &cwd)?;
    let server = Server {
        runner: Runner::new(exe, manifest_path),
        root: ws.root.clone().into_std_path_buf(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        let service = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| CliError::Usage(format!("MCP initialization failed: {e}")))?;
        service
            .waiting()
            .await
            .map_err(|e| CliError::Usage(format!("the MCP server stopped: {e}")))?;
        Ok(())
    })
}

#[derive(Clone)]
struct Server {
    runner: Runner,
    /// The workspace root: documents are read beneath it only.
    root: PathBuf,
}

const INSTRUCTIONS: &str = "\
cargo-specplan keeps a Rust backend's planning documents (docs/<lang>/specifications/<domain>/…) \
and its code honest with each other. Facts about the code come from the tools (detect, routes, \
trace, generate); write into the documents only what a person decided, replacing the TODOs the \
tools leave, and stop for the person's review after each step before calling approve. \
Run check after every edit: it is the same check CI runs. The prompts backend-planning, \
backend-planner and backend-consultants walk through the three workflows.";

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let mut info = ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        );
        info.server_info.name = "cargo-specplan".into();
        info.server_info.version = env!("CARGO_PKG_VERSION").into();
        info.instructions = Some(INSTRUCTIONS.into());
        info
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(tools::catalogue()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let progress = Progress {
            token: context.meta.get_progress_token(),
            peer: context.peer.clone(),
        };
        let args = request.arguments.unwrap_or_default();
        let result = tools::call(
            &self.runner,
            &self.root,
            &request.name,
            &args,
            &progress,
            &context.ct,
        )
        .await?;
        Ok(result.into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let mut out: Vec<Resource> = reference::fixed_resources();
        for rel in self.documents(&context).await {
            let name = rel.clone();
            out.push(
                Resource::new(format!("{DOCS}{rel}"), name)
                    .with_mime_type("text/markdown")
                    .with_description("a document of the workspace"),
            );
        }
        Ok(ListResourcesResult::with_all_items(out))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        Ok(ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new(format!("{DOCS}{{path}}"), "document")
                .with_description(
                    "a Markdown document of the workspace, by its path from the workspace root",
                )
                .with_mime_type("text/markdown"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let uri = request.uri;
        let text = if let Some(rel) = uri.strip_prefix(DOCS) {
            read_document(&self.root, rel)?
        } else {
            reference::read(&self.runner, &uri, &context.ct).await?
        };
        let mime = if uri.starts_with(DOCS) || uri.starts_with("specplan://reference/") {
            "text/markdown"
        } else {
            "application/json"
        };
        Ok(
            ReadResourceResult::new(vec![ResourceContents::text(text, uri).with_mime_type(mime)])
                .into(),
        )
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult::with_all_items(reference::prompts()))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        Ok(reference::prompt(&request.name, request.arguments.as_ref())?.into())
    }
}

/// The prefix of a document's URI; the rest is its path from the
/// workspace root.
const DOCS: &str = "specplan://docs/";

/// Documents listed at most: a workspace with more lists the first ones.
const MAX_DOCUMENTS: usize = 2_000;

impl Server {
    /// The Markdown documents of the specifications folder and of
    /// `planning-docs/`, as `/`-separated paths from the workspace root.
    async fn documents(&self, context: &RequestContext<RoleServer>) -> Vec<String> {
        let mut roots = vec!["planning-docs".to_string()];
        if let Ok(out) = self
            .runner
            .run(
                &["status".into(), "--format".into(), "json".into()],
                None,
                &context.ct,
            )
            .await
            && let Ok(status) = serde_json::from_str::<serde_json::Value>(&out.stdout)
            && let Some(docs_root) = status["docs_root"].as_str()
        {
            roots.insert(0, docs_root.to_string());
        }
        let mut out = Vec::new();
        for r in roots {
            collect_markdown(&self.root, Path::new(&r), 0, &mut out);
        }
        out.sort();
        out.dedup();
        out
    }
}

/// The `.md` files under `rel` (not following symlinks), depth-bounded.
fn collect_markdown(root: &Path, rel: &Path, depth: usize, out: &mut Vec<String>) {
    if depth > 8 || out.len() >= MAX_DOCUMENTS {
        return;
    }
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(kind) = e.file_type() else { continue };
        let Some(name) = e.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let child = rel.join(&name);
        if kind.is_dir() {
            collect_markdown(root, &child, depth + 1, out);
        } else if kind.is_file() && name.ends_with(".md") && out.len() < MAX_DOCUMENTS {
            out.push(
                child
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
}

/// A document's text, by its path from the workspace root: a relative
/// path without `..`, a Markdown file that resolves inside the workspace.
fn read_document(root: &Path, rel: &str) -> Result<String, McpError> {
    let path = Path::new(rel);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    if rel.is_empty() || !plain || !rel.ends_with(".md") {
        return Err(McpError::invalid_params(
            format!(
                "`{rel}` is not a document path: give a Markdown file's path from the workspace root, without `..`"
            ),
            None,
        ));
    }
    let not_found =
        || McpError::resource_not_found(format!("no document `{rel}` in the workspace"), None);
    let real = root.join(path).canonicalize().map_err(|_| not_found())?;
    let real_root = root.canonicalize().map_err(|_| not_found())?;
    if !real.starts_with(&real_root) {
        return Err(McpError::invalid_params(
            format!("`{rel}` resolves outside the workspace"),
            None,
        ));
    }
    std::fs::read_to_string(&real)
        .map_err(|e| McpError::resource_not_found(format!("cannot read `{rel}`: {e}"), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_read_inside_the_workspace_only() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ws");
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/a.md"), "# A\n").unwrap();
        std::fs::write(tmp.path().join("secret.md"), "secret").unwrap();
        assert_eq!(read_document(&root, "docs/a.md").unwrap(), "# A\n");
        for bad in [
            "../secret.md",
            "/etc/passwd",
            "docs/../../secret.md",
            "",
            "Cargo.toml",
        ] {
            assert!(read_document(&root, bad).is_err(), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("secret.md"), root.join("docs/link.md"))
                .unwrap();
            let err = read_document(&root, "docs/link.md").unwrap_err();
            assert!(err.message.contains("outside the workspace"), "{err:?}");
        }
        assert!(read_document(&root, "docs/missing.md").is_err());
        let mut listed = Vec::new();
        collect_markdown(&root, Path::new("docs"), 0, &mut listed);
        assert_eq!(listed, ["docs/a.md"]);
    }
}
