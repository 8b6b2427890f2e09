//! Positions as the editor counts them, and paths as URIs.
//!
//! LSP positions are (line, character) with characters counted in UTF-16
//! code units unless the client agreed to UTF-8 (`positionEncoding`); the
//! model works in byte offsets. A [`LineMap`] converts both ways.

use std::ops::Range;

use lsp_types::{Position, Uri};

/// How the client counts characters within a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// The start of every line of a text.
#[derive(Debug, Clone)]
pub struct LineMap {
    starts: Vec<usize>,
}

impl LineMap {
    pub fn new(text: &str) -> LineMap {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineMap { starts }
    }

    /// The position of byte `offset` (clamped to the text, and back to a
    /// character boundary).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let before = &text[start..offset];
        let character = match enc {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of `pos`; a position past a line's end is its end.
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |&e| e);
        let line = &text[start..end];
        let line = line.strip_suffix('\n').unwrap_or(line);
        let want = pos.character as usize;
        let mut counted = 0;
        for (i, c) in line.char_indices() {
            if counted >= want {
                return start + i;
            }
            counted += match enc {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        start + line.len()
    }

    pub fn range(&self, text: &str, r: &Range<usize>, enc: Encoding) -> lsp_types::Range {
        lsp_types::Range::new(
            self.position(text, r.start, enc),
            self.position(text, r.end, enc),
        )
    }
}

/// `file:///a/b%20c.rs` → `/a/b c.rs`; `None` for another scheme.
pub fn uri_to_path(uri: &Uri) -> Option<camino::Utf8PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file://host/path` names a host; only the local one is ours.
    let path = if rest.starts_with('/') {
        rest
    } else {
        let slash = rest.find('/')?;
        let host = &rest[..slash];
        if !host.is_empty() && host != "localhost" {
            return None;
        }
        &rest[slash..]
    };
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    Some(camino::Utf8PathBuf::from(decoded.as_ref()))
}

/// `/a/b c.rs` → `file:///a/b%20c.rs`.
pub fn path_to_uri(path: &camino::Utf8Path) -> Uri {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let encoded = percent_encoding::utf8_percent_encode(path.as_str(), KEEP).to_string();
    format!("file://{encoded}")
        .parse()
        .unwrap_or_else(|_| "file:///".parse().expect("a valid URI"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_in_both_encodings() {
        let text = "a\nées 𝄞 x\n\nlast";
        let map = LineMap::new(text);
        for offset in text.char_indices().map(|(i, _)| i).chain([text.len()]) {
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let p = map.position(text, offset, enc);
                assert_eq!(map.offset(text, p, enc), offset, "{offset} {enc:?} {p:?}");
            }
        }
        let x = text.find('x').unwrap();
        // é is 2 bytes / 1 unit, 𝄞 4 bytes / 2 units.
        assert_eq!(map.position(text, x, Encoding::Utf16), Position::new(1, 7));
        assert_eq!(map.position(text, x, Encoding::Utf8), Position::new(1, 10));
        // Past the end of a line is its end.
        assert_eq!(map.offset(text, Position::new(0, 99), Encoding::Utf16), 1);
    }

    #[test]
    fn uris_and_paths() {
        let p = camino::Utf8Path::new("/w/my docs/é.md");
        let uri = path_to_uri(p);
        assert_eq!(uri.as_str(), "file:///w/my%20docs/%C3%A9.md");
        assert_eq!(uri_to_path(&uri).unwrap(), p);
        let other: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&other), None);
    }
}
