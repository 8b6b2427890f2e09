//! Route paths: the one normal form every comparison uses, and the way each
//! framework joins a prefix and a path.
//!
//! The normal form (SPEC.md §3.2): a leading `/`, parameters written
//! `{name}` whatever the framework's syntax (`:name`, `<name>`, `{name}`,
//! `{name:regex}`), catch-alls written `{*name}` (`*name`, `{*name}`,
//! `<name..>`, `{name:.*}`), no query string, no doubled slashes. A trailing
//! slash is kept: frameworks serve `/a` and `/a/` as different paths.

use super::Framework;

/// The normal form of a route path, the form endpoint IDs are compared in.
///
/// ```
/// use specplan_core::routes::normalize_path;
/// assert_eq!(normalize_path("/users/:id"), "/users/{id}");
/// assert_eq!(normalize_path("/users/<id>/files/<path..>"), "/users/{id}/files/{*path}");
/// assert_eq!(normalize_path("users/{id:\\d+}?page=1"), "/users/{id}");
/// assert_eq!(normalize_path("/static/*rest"), "/static/{*rest}");
/// ```
pub fn normalize_path(path: &str) -> String {
    let path = path.trim();
    // The query (`?<q>` in Rocket, `?page=` in docs) and fragment are not part
    // of the route; a `?` inside `{…}` belongs to a regex.
    let mut depth = 0usize;
    let mut end = path.len();
    for (i, c) in path.char_indices() {
        match c {
            '{' | '<' => depth += 1,
            '}' | '>' => depth = depth.saturating_sub(1),
            '?' | '#' if depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let path = &path[..end];
    let mut out = String::with_capacity(path.len() + 1);
    for seg in split_segments(path) {
        if seg.is_empty() {
            continue;
        }
        out.push('/');
        out.push_str(&normalize_segment(seg));
    }
    if out.is_empty() {
        return "/".to_string();
    }
    if path.ends_with('/') {
        out.push('/');
    }
    out
}

/// The shape of a path: its normal form with every parameter unnamed
/// (`/users/{}/files/{*}`), for comparing paths whose parameters are named
/// differently.
pub fn path_shape(path: &str) -> String {
    let norm = normalize_path(path);
    let mut out = String::with_capacity(norm.len());
    let mut chars = norm.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' {
            let mut inner = String::new();
            for d in chars.by_ref() {
                if d == '}' {
                    break;
                }
                inner.push(d);
            }
            out.push_str(if inner.starts_with('*') { "{*}" } else { "{}" });
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits on `/` outside `{…}` and `<…>` (a regex may contain `/`).
fn split_segments(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in path.char_indices() {
        match c {
            '{' | '<' => depth += 1,
            '}' | '>' => depth = depth.saturating_sub(1),
            '/' if depth == 0 => {
                out.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&path[start..]);
    out
}

fn normalize_segment(seg: &str) -> String {
    if let Some(name) = seg.strip_prefix(':')
        && is_name(name)
    {
        return format!("{{{name}}}");
    }
    if let Some(name) = seg.strip_prefix('*') {
        return format!("{{*{name}}}");
    }
    if let Some(inner) = seg.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
        return match inner.strip_suffix("..") {
            Some(name) => format!("{{*{}}}", name.trim()),
            None => format!("{{{}}}", inner.trim()),
        };
    }
    // `{name}`, `{*name}`, `{name:regex}`, `{tail}*` (actix), and parameters
    // embedded in a segment (`{id}.json`).
    let mut out = String::with_capacity(seg.len());
    let mut rest = seg;
    while let Some(open) = rest.find('{') {
        // `{{` is a literal brace in axum 0.8.
        if rest[open..].starts_with("{{") {
            out.push_str(&rest[..open + 2]);
            rest = &rest[open + 2..];
            continue;
        }
        out.push_str(&rest[..open]);
        let Some(close) = matching_brace(&rest[open..]) else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let inner = &rest[open + 1..open + close];
        let (name, regex) = match inner.split_once(':') {
            Some((n, r)) => (n.trim(), Some(r.trim())),
            None => (inner.trim(), None),
        };
        let after = &rest[open + close + 1..];
        let tail_star = after.starts_with('*') && after.len() == 1;
        let wildcard = name.starts_with('*') || tail_star || matches!(regex, Some(".*" | ".+"));
        let name = name.trim_start_matches('*');
        if wildcard {
            out.push_str(&format!("{{*{name}}}"));
        } else {
            out.push_str(&format!("{{{name}}}"));
        }
        rest = if tail_star { "" } else { after };
    }
    out.push_str(rest);
    out
}

fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The parameter names of a normalised path, in order (`{*rest}` gives `rest`).
pub fn path_params(normalized: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = normalized;
    while let Some(open) = rest.find('{') {
        if rest[open..].starts_with("{{") {
            rest = &rest[open + 2..];
            continue;
        }
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = rest[open + 1..open + close].trim_start_matches('*');
        if !name.is_empty() {
            out.push(name.to_string());
        }
        rest = &rest[open + close + 1..];
    }
    out
}

/// Collapses runs of `/`.
fn collapse_slashes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_slash = false;
    for c in s.chars() {
        if c == '/' {
            if !prev_slash {
                out.push(c);
            }
            prev_slash = true;
        } else {
            out.push(c);
            prev_slash = false;
        }
    }
    out
}

/// axum's `path_for_nested_route` (0.7 and 0.8, `routing/path_router.rs`):
/// the path a route `path` of a router nested at `prefix` is served at.
/// `nest("/api", r)` with `r.route("/", …)` serves `/api`; with a prefix
/// ending in `/` the route's leading `/` is dropped.
pub fn axum_nested(prefix: &str, path: &str) -> String {
    let prefix = if prefix.is_empty() { "/" } else { prefix };
    let path = if path.is_empty() { "/" } else { path };
    if prefix.ends_with('/') {
        format!("{prefix}{}", path.trim_start_matches('/'))
    } else if path == "/" {
        prefix.to_string()
    } else if path.starts_with('/') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}/{path}")
    }
}

/// actix-web: a scope's prefix and a resource's path are concatenated; a
/// non-empty path without a leading `/` gets one (`ResourceDef::root_prefix`).
/// `scope("/api")` with `resource("")` is `/api`, with `resource("/")` `/api/`.
pub fn actix_join(prefix: &str, path: &str) -> String {
    let joined = if path.is_empty() || path.starts_with('/') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}/{path}")
    };
    collapse_slashes(&joined)
}

/// Rocket 0.5 `RouteUri::try_new`: the mount point and the route URI are
/// concatenated, except that a route `/` under a base without a trailing
/// slash is served at the base itself.
pub fn rocket_join(base: &str, path: &str) -> String {
    if base.is_empty() || base == "/" {
        return path.to_string();
    }
    if (path == "/" || path.is_empty()) && !base.ends_with('/') {
        return base.to_string();
    }
    collapse_slashes(&format!("{base}{path}"))
}

/// loco `AppRoutes::collect`: the parts joined with `/`, runs of `/`
/// collapsed, a trailing `/` dropped (except for `/` itself).
pub fn loco_join(prefix: &str, path: &str, leaf: bool) -> String {
    let joined = collapse_slashes(&format!("/{prefix}/{path}"));
    if leaf && joined.len() > 1 {
        joined.trim_end_matches('/').to_string()
    } else {
        joined
    }
}

/// poem-openapi (`convert_oai_path`): `prefix_path` and the operation's
/// `path` are split on `/`, empty segments dropped, and joined again; no
/// trailing slash survives.
pub fn segments_join(prefix: &str, path: &str) -> String {
    let segs: Vec<&str> = prefix
        .split('/')
        .chain(path.split('/'))
        .filter(|s| !s.is_empty())
        .collect();
    format!("/{}", segs.join("/"))
}

/// Joins a prefix and a path the way `fw` serves them. `leaf` is set for the
/// final join of a route's own path.
pub(crate) fn join(fw: Framework, prefix: &str, path: &str, leaf: bool) -> String {
    if prefix.is_empty() {
        return match fw {
            Framework::Loco => loco_join("", path, leaf),
            Framework::PoemOpenapi => segments_join("", path),
            _ => path.to_string(),
        };
    }
    match fw {
        Framework::ActixWeb => actix_join(prefix, path),
        Framework::Rocket => rocket_join(prefix, path),
        Framework::Loco => loco_join(prefix, path, leaf),
        Framework::PoemOpenapi => segments_join(prefix, path),
        _ => axum_nested(prefix, path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_form() {
        for (raw, norm) in [
            ("/", "/"),
            ("", "/"),
            ("/users/:id", "/users/{id}"),
            ("/users/{id}", "/users/{id}"),
            ("/users/<id>", "/users/{id}"),
            ("users/<id>", "/users/{id}"),
            ("/files/*path", "/files/{*path}"),
            ("/files/{*path}", "/files/{*path}"),
            ("/files/<path..>", "/files/{*path}"),
            ("/files/{tail:.*}", "/files/{*tail}"),
            ("/files/{tail}*", "/files/{*tail}"),
            ("/users/{id:\\d+}/x", "/users/{id}/x"),
            ("/re/{id:[0-9]{3}}", "/re/{id}"),
            ("/a//b/", "/a/b/"),
            ("/items?page=1", "/items"),
            ("/items/<id>?<q>", "/items/{id}"),
            ("/report/{id}.json", "/report/{id}.json"),
            ("/lit/{{x}}", "/lit/{{x}}"),
        ] {
            assert_eq!(normalize_path(raw), norm, "{raw}");
        }
        assert_eq!(path_shape("/u/:id/f/<p..>"), "/u/{}/f/{*}");
        assert_eq!(
            path_params("/u/{id}/x/{*rest}"),
            vec!["id".to_string(), "rest".to_string()]
        );
    }

    #[test]
    fn axum_nesting_matches_axum() {
        // The table of axum's own `nested_route_test!` cases.
        for (nest, route, served) in [
            ("", "/", "/"),
            ("", "/a", "/a"),
            ("/", "/", "/"),
            ("/", "/a", "/a"),
            ("/", "/a/", "/a/"),
            ("/a", "/", "/a"),
            ("/a", "/a", "/a/a"),
            ("/a", "/a/", "/a/a/"),
            ("/a/", "/", "/a/"),
            ("/a/", "/a", "/a/a"),
            ("/a/", "/a/", "/a/a/"),
        ] {
            assert_eq!(
                axum_nested(nest, route),
                served,
                "nest {nest:?} route {route:?}"
            );
        }
    }

    #[test]
    fn other_frameworks_join() {
        assert_eq!(actix_join("/api", ""), "/api");
        assert_eq!(actix_join("/api", "/"), "/api/");
        assert_eq!(actix_join("/api", "users"), "/api/users");
        assert_eq!(rocket_join("/foo", "/"), "/foo");
        assert_eq!(rocket_join("/foo/", "/"), "/foo/");
        assert_eq!(rocket_join("/foo/", "/bar"), "/foo/bar");
        assert_eq!(rocket_join("/", "/bar"), "/bar");
        assert_eq!(loco_join("api/notes/", "/", true), "/api/notes");
        assert_eq!(
            loco_join("/normalizer", "//loco///rs//", true),
            "/normalizer/loco/rs"
        );
        assert_eq!(loco_join("", "/", true), "/");
        assert_eq!(segments_join("/pets", "/"), "/pets");
        assert_eq!(segments_join("/v1/:id/", "/x/"), "/v1/:id/x");
        assert_eq!(segments_join("", "/"), "/");
    }
}
