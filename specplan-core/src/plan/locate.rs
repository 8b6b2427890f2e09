//! Where each value of a JSON text is, by path (`tasks[1].preceding_task`).
//!
//! `serde_json` keeps no positions, and a span-aware JSON crate would be a
//! dependency for what is a hundred lines: this scanner runs only on text
//! `serde_json` has already accepted, so it needs no error handling of its
//! own (on malformed input it stops and returns what it has).

use std::collections::HashMap;
use std::ops::Range;

/// Where a value is: its key (for an object member) and the value itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    pub key: Option<Range<usize>>,
    pub value: Range<usize>,
}

/// Every value's location, by path; the root's path is `""`.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    map: HashMap<String, Loc>,
}

impl Locations {
    pub fn get(&self, path: &str) -> Option<&Loc> {
        self.map.get(path)
    }

    /// The range to underline for `path`: a scalar value, or the key of an
    /// object or array (else its opening bracket). A path that is not in the
    /// text (a missing field) falls back to its nearest ancestor.
    pub fn range(&self, text: &str, path: &str) -> Option<Range<usize>> {
        let mut p = path;
        loop {
            if let Some(loc) = self.map.get(p) {
                let opens = matches!(text.as_bytes().get(loc.value.start), Some(b'{' | b'['));
                return Some(match (&loc.key, opens) {
                    (_, false) => loc.value.clone(),
                    (Some(k), true) => k.clone(),
                    (None, true) => loc.value.start..loc.value.start + 1,
                });
            }
            if p.is_empty() {
                return None;
            }
            p = parent(p);
        }
    }
}

/// `tasks[1]` for `tasks[1].inputs`, `tasks` for `tasks[1]`, `""` for `tasks`.
pub fn parent(path: &str) -> &str {
    match path.rfind(['.', '[']) {
        Some(i) => &path[..i],
        None => "",
    }
}

/// `a.b` or `a["b c"]`.
pub fn member(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    match (path.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        _ => format!("{path}[{}]", serde_json::Value::from(key)),
    }
}

/// `a[3]`.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

pub fn locate(text: &str) -> Locations {
    let mut s = Scanner {
        b: text.as_bytes(),
        text,
        i: 0,
        out: Locations::default(),
    };
    s.value(String::new(), None);
    s.out
}

struct Scanner<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
    out: Locations,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// A string from its opening quote; the range includes the quotes.
    fn string(&mut self) -> Range<usize> {
        let start = self.i;
        self.i += 1;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'\\' => self.i += 1,
                b'"' => break,
                _ => {}
            }
        }
        start..self.i.min(self.b.len())
    }

    fn value(&mut self, path: String, key: Option<Range<usize>>) -> Option<()> {
        self.ws();
        let start = self.i;
        match self.peek()? {
            b'{' => {
                self.i += 1;
                loop {
                    self.ws();
                    match self.peek()? {
                        b'}' => {
                            self.i += 1;
                            break;
                        }
                        b',' => self.i += 1,
                        b'"' => {
                            let k = self.string();
                            let name: String = serde_json::from_str(&self.text[k.clone()]).ok()?;
                            self.ws();
                            if self.peek()? != b':' {
                                return None;
                            }
                            self.i += 1;
                            self.value(member(&path, &name), Some(k))?;
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut n = 0;
                loop {
                    self.ws();
                    match self.peek()? {
                        b']' => {
                            self.i += 1;
                            break;
                        }
                        b',' => self.i += 1,
                        _ => {
                            self.value(index(&path, n), None)?;
                            n += 1;
                        }
                    }
                }
            }
            b'"' => {
                self.string();
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
                {
                    self.i += 1;
                }
            }
        }
        self.out.map.insert(
            path,
            Loc {
                key,
                value: start..self.i,
            },
        );
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_members_and_elements() {
        let text = r#"{"a": {"b c": [1, "x\"y", {"d": true}]}, "e": null}"#;
        let l = locate(text);
        let at = |p: &str| &text[l.get(p).unwrap().value.clone()];
        assert_eq!(at(r#"a["b c"][0]"#), "1");
        assert_eq!(at(r#"a["b c"][1]"#), r#""x\"y""#);
        assert_eq!(at(r#"a["b c"][2].d"#), "true");
        assert_eq!(at("e"), "null");
        assert_eq!(at(""), text);
        // An object points at its key; a missing member at its parent.
        assert_eq!(&text[l.range(text, "a").unwrap()], "\"a\"");
        assert_eq!(&text[l.range(text, "a.zzz").unwrap()], "\"a\"");
        assert_eq!(&text[l.range(text, "").unwrap()], "{");
        assert_eq!(parent("tasks[1].inputs"), "tasks[1]");
        assert_eq!(parent("tasks[1]"), "tasks");
        assert_eq!(parent("tasks"), "");
    }
}
